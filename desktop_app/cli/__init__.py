"""The command line over core: one module per group of commands, loading only what a command needs."""
