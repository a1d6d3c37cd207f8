from amity.cli.main import run

run()
