"""Running many models: run, compare, validate, sweep, sensitivity; the result store; the CLI."""
