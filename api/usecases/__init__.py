"""Use cases: each pipeline once, with its parameters; the CLI and the routes adapt to them."""
