"""Current model: OOF probabilities on both protocols."""
import sys, time
sys.path.insert(0, "/tmp/nlp-exp")
from harness import *
from minxin.nlp.pipeline import train_normalized, _softmax
data = load(); norm, labels = data["norm"], data["labels"]
C = classes(labels)
for on in sys.argv[1:] or ["raw", "all"]:
    folds = data["folds"][on]
    n = len(labels)
    proba = np.full((n, len(C)), np.nan); scores = np.full((n, len(C)), np.nan)
    secs = []
    for tr, te in folds:
        t = time.perf_counter()
        m = train_normalized([norm[i] for i in tr], labels[tr])
        secs.append(time.perf_counter() - t + data["norm_per_row"] * len(tr))
        assert list(m.classes) == list(C)
        s = m.pipeline.decision_function([norm[i] for i in te])
        scores[te] = s; proba[te] = _softmax(s, m.temperature)
    idx = np.concatenate([te for _, te in folds])
    acc, f1 = metrics(labels[idx].astype(str), C[proba[idx].argmax(1)])
    print(on, "current", acc, f1, "train_s %.1f" % np.mean(secs), flush=True)
    save_oof("current", on, proba, {"scores": scores, "secs": np.array(secs)})
