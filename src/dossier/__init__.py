"""Dossier: multilingual news to a verified case database of war resisters."""

__version__ = "0.1.0"

# The store used when no --db is given. Kept here, in a module that imports nothing, so that the command
# line can offer it as a default without loading the database layer (start-up time).
DEFAULT_DB = "dossier.db"

# The models multiply small matrices, one sentence batch at a time: OpenBLAS's threads cost more to wake than they
# save there (measured: the bare pipelines 8-13 % faster with one thread, and with less CPU), and with the models on
# one worker process per core they would fight over the cores. One thread per process unless the user says more;
# set before numpy is first imported (worker processes import this package first too).
import os as _os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
