"""The stages of `nieuwkomers design` (the command and Python API: `experiments.design`), one module each."""
