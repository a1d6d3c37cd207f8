"""Word lists for the demo network (amity.demo): titles, topics, templates, articles.

Plain constants only, so the generator reads as the story it tells.
"""

from __future__ import annotations

COMPANY_SUFFIXES = ("Ltd", "Group", "PLC", "& Co", "Holdings")
BRAND_WORDS = (
    "Northwind",
    "Bluefin",
    "Lumen",
    "Cobalt",
    "Juniper",
    "Helix",
    "Tidal",
    "Quill",
    "Orbit",
    "Kestrel",
    "Maple",
    "Vector",
    "Nimbus",
    "Fjord",
    "Sable",
    "Atlas",
    "Beacon",
    "Copper",
    "Ember",
    "Harbor",
    "Meridian",
    "Pioneer",
    "Saffron",
    "Zephyr",
)
BRAND_KINDS = (
    "Labs",
    "Analytics",
    "Health",
    "Robotics",
    "Capital",
    "Studio",
    "Systems",
    "Energy",
    "Bank",
    "Software",
    "Ventures",
    "Logistics",
    "Media",
    "AI",
)

PERSONAL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "proton.me",
    "icloud.com",
    "yahoo.com",
    "fastmail.com",
    "hey.com",
)

TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Engineering Manager",
    "VP Engineering",
    "CTO",
    "CEO",
    "Founder",
    "Co-founder",
    "Product Manager",
    "Head of Product",
    "Product Designer",
    "UX Researcher",
    "Data Scientist",
    "Machine Learning Engineer",
    "Data Engineer",
    "Head of Data",
    "Marketing Manager",
    "Growth Lead",
    "Account Executive",
    "Sales Director",
    "Customer Success Manager",
    "Recruiter",
    "Talent Partner",
    "People Partner",
    "COO",
    "CFO",
    "Investor",
    "Partner",
    "Principal",
    "Consultant",
    "Solutions Architect",
    "DevRel Engineer",
    "Community Manager",
    "Journalist",
    "Professor",
    "Researcher",
    "Writer",
    "Operations Lead",
    "Legal Counsel",
)

DEPARTMENTS = (
    "Engineering",
    "Product",
    "Design",
    "Data",
    "Marketing",
    "Sales",
    "People",
    "Operations",
    "Finance",
    "Research",
)

TAGS = (
    "python",
    "investor",
    "founder",
    "mentor",
    "design",
    "recruiter",
    "climate",
    "fintech",
    "open source",
    "ai",
    "health",
    "speaker",
    "journalist",
    "customer",
    "partner",
    "alumni",
    "board",
    "hiring",
    "podcast",
    "community",
    "security",
    "devrel",
    "angel",
    "friend",
    "former colleague",
    "advisor",
)

TOPICS = (
    "hiring",
    "fundraising",
    "roadmap",
    "pricing",
    "onboarding",
    "kubernetes",
    "python",
    "observability",
    "design systems",
    "remote work",
    "climate tech",
    "payments",
    "LLMs",
    "data platform",
    "security review",
    "open source",
    "conference talk",
    "board meeting",
    "career move",
    "parental leave",
    "marathon training",
    "book club",
    "product launch",
    "team offsite",
    "mentoring",
    "migration to PostgreSQL",
    "customer interviews",
    "quarterly planning",
    "partnership",
    "community event",
)

PLACES = (
    "Blue Bottle",
    "the office",
    "Café Central",
    "the co-working space",
    "Monocle Café",
    "Tartine",
    "the hotel lobby",
    "Pret",
    "a ramen place",
    "the park",
    "their office",
)

NOTE_TEMPLATES = (
    "Talked about {topic}. {detail}",
    "Caught up on {topic} and {topic2}. {detail}",
    "Quick sync about {topic}. {detail}",
    "{detail} Mentioned {topic2} too.",
    "They asked for advice on {topic}. {detail}",
    "Shared notes on {topic}; want to compare {topic2} next time.",
    "Long chat: {topic}, then {topic2}. {detail}",
)

DETAILS = (
    "Promised to send a link.",
    "They are hiring two engineers.",
    "Thinking about a move to {city}.",
    "Team grew to 40 people.",
    "Just closed a seed round.",
    "Back from parental leave.",
    "Was at {city} last month.",
    "Wants an intro to someone in {topic}.",
    "Very busy with the launch.",
    "Recommended a book on {topic}.",
    "Considering a sabbatical.",
    "Their company is expanding to {city}.",
    "Asked how the kids are doing.",
    "Going to speak at a conference in {city}.",
    "Finished their first marathon.",
)

SUBJECTS = {
    "email": (
        "Re: {topic}",
        "Intro: {topic}",
        "Following up on {topic}",
        "Quick question about {topic}",
        "Slides from the {topic} session",
        "{topic} — next steps",
    ),
    "meeting": (
        "Coffee at {place}",
        "Lunch",
        "1:1 catch-up",
        "Breakfast at {place}",
        "Workshop on {topic}",
    ),
    "call": ("Call about {topic}", "Catch-up call", "Phone call"),
    "video": ("Zoom: {topic}", "Video call", "Google Meet about {topic}"),
    "message": ("", "", "Signal thread", "WhatsApp"),
    "social": ("LinkedIn comment", "Replied to their post about {topic}", "DM on Mastodon"),
    "event": ("Met at a meetup", "Ran into them at an event"),
    "other": ("Sent a gift", "Handwritten card", "Saw them at the airport"),
}

CHANNELS = {
    "message": ("signal", "whatsapp", "sms", "telegram", "imessage"),
    "social": ("linkedin", "mastodon", "twitter", "bluesky"),
    "video": ("zoom", "meet", "teams"),
}

PREFERRED = ("email", "signal", "whatsapp", "phone", "linkedin", "sms")

INTERESTS = (
    "trail running",
    "jazz",
    "sourdough baking",
    "climbing",
    "chess",
    "photography",
    "sailing",
    "woodworking",
    "board games",
    "birdwatching",
    "cycling",
    "yoga",
    "science fiction",
    "gardening",
    "tennis",
    "opera",
    "surfing",
    "pottery",
)
PETS = (
    ("dog", "Biscuit"),
    ("cat", "Miso"),
    ("dog", "Luna"),
    ("cat", "Pixel"),
    ("dog", "Bruno"),
    ("parrot", "Kiwi"),
    ("cat", "Tofu"),
    ("dog", "Pepper"),
)
PREFERENCES = (
    "Prefers calls to long e-mails",
    "Vegetarian",
    "Doesn't drink coffee; tea only",
    "Likes morning meetings",
    "Hates phone calls; text first",
    "Allergic to nuts",
    "Prefers Signal",
    "Avoid Friday afternoons",
)
GOALS = (
    "Wants to become a CTO",
    "Planning to start a company",
    "Learning Rust",
    "Wants to move abroad",
    "Writing a book on {topic}",
    "Preparing a talk on {topic}",
    "Looking for a co-founder",
    "Wants to run a marathon",
)
LIFE_EVENTS = (
    "Moved to {city}",
    "Got married",
    "Had a baby",
    "Started a new job",
    "Bought a house",
    "Finished a PhD",
    "Sold their company",
    "Took a sabbatical",
)
OTHER_FACTS = (
    "Speaks four languages",
    "Grew up in {city}",
    "Was a professional musician",
    "Volunteers at a food bank",
    "Collects vinyl",
)
FAMILY = (
    "Married to {name}",
    "Two kids: {name} and {name2}",
    "Daughter {name} started school",
    "Partner {name} is a doctor",
    "Son {name} plays football",
)
QUESTIONS = (
    "How did the {topic} go?",
    "How is {name} doing?",
    "Did the move to {city} happen?",
    "Any news on {topic}?",
    "How was the trip to {city}?",
    "Still training for the marathon?",
    "Did they find a co-founder?",
    "How is the new team?",
)

COMMITMENTS_MINE = (
    "Send the slides on {topic}",
    "Intro them to someone in {topic}",
    "Review their draft about {topic}",
    "Share the article on {topic}",
    "Send the job description",
    "Book a follow-up lunch",
    "Send feedback on the deck",
)
COMMITMENTS_THEIRS = (
    "Send me their notes on {topic}",
    "Intro me to their {topic} lead",
    "Share the hiring plan",
    "Send the contract draft",
    "Review my proposal",
    "Send the recording",
    "Check availability for a workshop",
)
FOLLOW_UPS = (
    "Send a thank-you note after {event}",
    "Follow up on what we discussed at {event}",
    "Connect on LinkedIn after {event}",
    "Share the slides mentioned at {event}",
)

EVENT_NAMES = (
    ("PyCon {country} {year}", "conference"),
    ("{city} Python Meetup", "meetup"),
    ("{topic} Summit {year}", "conference"),
    ("Product Leaders Dinner {city}", "community"),
    ("{city} Tech Breakfast", "meetup"),
    ("Design Systems Workshop", "workshop"),
    ("Web Summit {year}", "conference"),
    ("Remote Founders Call", "online"),
    ("{city} Climate Tech Night", "meetup"),
    ("Data Council {year}", "conference"),
    ("Women in Tech {city}", "community"),
    ("{topic} Workshop", "workshop"),
)

RELATIONSHIP_KINDS = ("colleague", "friend", "spouse", "partner", "mentor", "manager", "sibling")

EXCHANGE_TEXTS = {
    "intro": "Intro to someone working on {topic}",
    "referral": "Referral for a {title} role",
    "advice": "Advice on {topic}",
    "help": "Help with {topic}",
    "article": "Article about {topic}",
    "recommendation": "Recommended a book on {topic}",
    "favour": "Reviewed a draft about {topic}",
}

ARTICLES = tuple(
    (f"https://example.org/reading/{slug}", title, topics)
    for slug, title, topics in (
        ("hiring-senior-engineers", "How to hire senior engineers", "hiring,engineering"),
        ("postgres-at-scale", "PostgreSQL at scale: lessons learned", "postgresql,data platform"),
        ("pricing-saas", "Pricing your SaaS product", "pricing,startups"),
        ("seed-fundraising", "A field guide to seed fundraising", "fundraising,startups"),
        ("observability-101", "Observability 101", "observability,kubernetes"),
        ("design-systems", "Design systems that last", "design systems,design"),
        ("remote-teams", "Running remote teams well", "remote work,management"),
        ("climate-tech-map", "A map of climate tech", "climate tech,climate"),
        ("llm-evals", "Evaluating LLM applications", "LLMs,ai"),
        ("payments-primer", "A primer on payments", "payments,fintech"),
        ("python-packaging", "Python packaging in 2026", "python,open source"),
        ("giving-feedback", "Giving feedback that lands", "feedback,management"),
        ("marathon-plan", "A first marathon plan", "marathon training,running"),
        ("customer-interviews", "Customer interviews without bias", "customer interviews,product"),
        ("security-reviews", "Lightweight security reviews", "security review,security"),
        ("onboarding-engineers", "Onboarding engineers in 30 days", "onboarding,engineering"),
        ("board-meetings", "Better board meetings", "board meeting,startups"),
        ("open-source-sustainability", "Sustaining open source", "open source,community"),
        ("quarterly-planning", "Quarterly planning that works", "quarterly planning,management"),
        ("sourdough", "The sourdough method", "sourdough baking,cooking"),
    )
)

FEEDBACK_THEMES = (
    "listening",
    "follow-through",
    "clarity",
    "presentation",
    "punctuality",
    "delegation",
    "empathy",
    "writing",
    "strategy",
    "mentoring",
)
FEEDBACK_CONTEXTS = (
    "After the quarterly planning workshop",
    "1:1",
    "After my conference talk",
    "Project retrospective",
    "After the board meeting",
    "Code review",
    "During the offsite",
    "After the customer demo",
)
FEEDBACK_TEXTS = {
    "positive": (
        "Your summary at the end made the decision easy.",
        "Great follow-up after the meeting.",
        "You listened well and asked the right questions.",
        "The talk was clear and well paced.",
        "Thanks for making time to mentor me.",
    ),
    "constructive": (
        "You interrupted a few times; let others finish.",
        "The deck had too much text.",
        "The follow-up came a week late.",
        "Be clearer about what you need from us.",
        "You were ten minutes late to the call.",
    ),
}
IMPROVEMENT_GOALS = (
    ("Listen more than I talk in 1:1s", "listening", 7),
    ("Follow up within 48 hours after every meeting", "follow-through", 7),
    ("Give clearer, shorter updates", "clarity", 30),
    ("Be on time for every call", "punctuality", 30),
)
CHECKIN_NOTES = (
    "Better this week.",
    "Slipped twice.",
    "Asked a colleague to watch for it.",
    "Good progress.",
    "Hard week; back on track.",
    "Kept it up every day.",
)
