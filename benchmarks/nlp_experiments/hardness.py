"""Why the raw sample is harder: accuracy by near-duplicate group (reposted messages)."""
import sys; sys.path.insert(0, "/tmp/nlp-exp")
import numpy as np
from collections import Counter
from harness import load, groups_of
d = load(); labels = d["labels"].astype(str); norm = d["norm"]; rows = d["rows"]
C = np.unique(labels)
# the current model's out-of-fold probabilities on the all-rows folds, saved by use_eval.py
P = np.load("/tmp/nlp-exp/oof_use_all_use_txt_256.npy.npz")["cur"]
pred = C[P.argmax(1)]; ok = pred == labels
g = groups_of(norm); size = Counter(g.tolist())
raw = np.array([not r.segmented for r in rows])
seg = ~raw
# segmented rows that are copies of raw rows: in a group containing a raw row
raw_groups = set(g[raw].tolist())
copy = seg & np.isin(g, list(raw_groups))
multi = np.array([size[x] > 1 for x in g])
lab_by_group = {}
for i, x in enumerate(g): lab_by_group.setdefault(x, set()).add(labels[i])
conflict = np.array([len(lab_by_group[x]) > 1 for x in g])
def rep(name, m): print(f"{name:55s} n={m.sum():5d} acc={ok[m].mean():.4f}")
rep("all rows", np.ones(len(ok), bool))
rep("segmented rows", seg)
rep("segmented copies of raw messages", copy)
rep("segmented rows, not copies of raw", seg & ~copy)
rep("rows alone in their group (no near-duplicate)", ~multi)
rep("rows with a near-duplicate (reposted)", multi)
rep("rows whose group carries two labels", conflict)
rep("rows with near-duplicate, one label", multi & ~conflict)
rep("segmented, not raw copies, with near-duplicate", seg & ~copy & multi)
rep("segmented, not raw copies, alone", seg & ~copy & ~multi)
# share of raw messages that are reposted (a segmented group > their own copy)
print("raw rows in groups of size>=3:", np.mean([size[x] >= 3 for x in g[raw]]).round(3),
      "segmented non-copy rows in groups >=2:", multi[seg & ~copy].mean().round(3))
print("class mix of copies vs rest:", Counter(labels[copy]).most_common(), Counter(labels[seg & ~copy]).most_common())
for c in C:
    a = ok[copy & (labels == c)].mean(); b = ok[seg & ~copy & (labels == c)].mean()
    print(f"{c:8s} copies {a:.3f}  rest {b:.3f}")
w = np.array([ (labels[seg & ~copy] == c).mean() for c in C]); acc_c = np.array([ok[copy & (labels == c)].mean() for c in C])
print("copies' per-class accuracy at the rest's class mix:", (w * acc_c).sum().round(4))
