"""The parts of `nieuwkomers compare` (the command and Python API: `experiments.compare`), one module each."""
