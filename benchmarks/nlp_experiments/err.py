import sys; sys.path.insert(0, "/tmp/nlp-exp")
from harness import *
from sklearn.metrics import confusion_matrix
data = load(); labels = data["labels"].astype(str); rows = data["rows"]; norm = data["norm"]
C = classes(labels)
for on in ["raw", "all"]:
    p = np.load(f"oof_current_{on}.npz")["proba"]
    idx = np.concatenate([te for _, te in data["folds"][on]])
    pred = C[p[idx].argmax(1)]
    print(on, list(C))
    print(confusion_matrix(labels[idx], pred, labels=C))
raw = np.array([not r.segmented for r in rows])
import collections
print("label dist raw:", collections.Counter(labels[raw]))
print("label dist seg:", {k: round(v/ (~raw).sum(),3) for k,v in collections.Counter(labels[~raw]).items()})
L = np.array([len(n.replace(" ","")) for n in norm])
print("norm len raw median/mean", np.median(L[raw]), L[raw].mean(), " seg", np.median(L[~raw]), L[~raw].mean())
print("frac truncated(>=500) raw", (L[raw]>=495).mean(), "seg", (L[~raw]>=495).mean())
# conf vs correct raw
p = np.load("oof_current_raw.npz")["proba"]; idx = np.concatenate([te for _, te in data["folds"]["raw"]])
pr = p[idx]; ok = C[pr.argmax(1)] == labels[idx]
print("raw mean conf", pr.max(1).mean(), "acc", ok.mean())
for i in idx[~ok][:25]:
    print(labels[i], "->", C[p[i].argmax()], round(p[i].max(),2), rows[i].text[:70].replace("\n"," | "))
