// Passkeys (WebAuthn): buttons with data-passkey="register" | "sign-in" run one ceremony
// against the server's JSON endpoints and follow the redirect it answers. No inline script:
// the Content-Security-Policy allows only files from this site.
(function () {
  "use strict";

  function csrf() {
    return document.body.getAttribute("data-csrf") || "";
  }

  async function post(url, body) {
    const answer = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {}),
    });
    const data = await answer.json().catch(function () { return {}; });
    if (!answer.ok) {
      throw new Error((data.error && data.error.message) || "the server said " + answer.status);
    }
    return data;
  }

  function say(button, text) {
    const out = document.getElementById(button.getAttribute("data-passkey-status") || "passkey-status");
    if (out) { out.textContent = text; }
  }

  async function register(button) {
    const options = await post("/settings/security/passkeys/options");
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    const nameField = document.getElementById("passkey-name");
    return post("/settings/security/passkeys", {
      credential: credential.toJSON(),
      name: nameField ? nameField.value : "Passkey",
    });
  }

  async function signIn() {
    const options = await post("/login/passkey/options");
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    return post("/login/passkey", { credential: credential.toJSON() });
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-passkey]");
    if (!button) { return; }
    event.preventDefault();
    if (!window.PublicKeyCredential) {
      say(button, "This browser cannot use passkeys.");
      return;
    }
    button.disabled = true;
    say(button, "Waiting for your passkey…");
    const run = button.getAttribute("data-passkey") === "register" ? register : signIn;
    run(button).then(function (data) {
      say(button, "Done.");
      window.location.assign(data.redirect || "/");
    }).catch(function (error) {
      say(button, "Passkey failed: " + error.message);
      button.disabled = false;
    });
  });
})();
