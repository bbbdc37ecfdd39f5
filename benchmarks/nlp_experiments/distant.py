"""Distant supervision from official replies (session 4 experiment).

Weak label of a message in messages-with-replies.csv = the category of the government
departments named in its official reply (hand-written department -> category map below);
kept only when the reply points to exactly one category. The weak rows are added to each
fold's training rows with sample weight w (w = 0: the current model, same run, same folds),
after removing every weak row that near-duplicates one of the fold's test rows
(`evaluation.near_duplicates`, the same test as for the labelled rows).

Usage (from /tmp/nlp-exp, see README):  python distant.py labels
                                        python distant.py cv raw|all W [W ...]
Env: SEED=n (fold seed, default 0); DROP=交通运输 (leave those weak labels out).
No calibration probe (argmax does not depend on the temperature).
"""
import csv, os, re, sys, time, json
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, "/tmp/nlp-exp")
from harness import *  # noqa  (load, make_folds, metrics, near_duplicates, normalize)
import scipy.sparse as sp
from sklearn.svm import LinearSVC
from minxin.nlp.pipeline import build_pipeline, NBLinearSVC, ModelConfig

REPLIES = f"{D}/messages-with-replies.csv"
WEAK_CACHE = "/tmp/nlp-exp/weak.pkl"

# Department (named in the reply) -> category. Names only, with an office suffix where the
# bare word would also match topic vocabulary quoted from the message.
DEPTS = {
    "城乡建设": [r"住建[局委厅]", r"住房和城乡", r"住房保障局", r"城乡建设局", r"建设局", r"规建局",
             r"规划[局分]", r"城乡规划", r"自然资源和规划", r"城管[局执]", r"城市管理", r"管理和行政执法",
             r"管理和综合执法", r"房产[局管]", r"房屋交易管理", r"住房公积金管理中心", r"不动产登记",
             r"国土[局资]", r"市政局", r"自来水公司", r"燃气公司", r"供电公司", r"电力局"],
    "劳动和社会保障": [r"人社[局厅]", r"人力资源和社会保障", r"人力资源社会保障", r"劳动和社会保障局",
                r"社保[局卡中征]", r"劳动保障监察", r"医保[局中]", r"医疗保障局", r"医疗保险[服管中]",
                r"民政[局厅]"],
    "教育文体": [r"教育局", r"教育厅", r"教育体育局", r"教体局", r"体育局", r"文化广电新闻出版",
             r"教育阳光服务"],
    "商贸旅游": [r"商务局", r"商务和", r"市场监[督管]", r"市场局", r"工商[局分所行]", r"质监局",
             r"质量技术监督局", r"物价局", r"旅游局", r"文旅局", r"文化旅游", r"文化和旅游"],
    "环境保护": [r"环保局", r"环境保护局", r"生态环境局", r"生态环境厅", r"环境保护厅", r"环境监察",
             r"环境监测站"],
    "卫生计生": [r"卫健[委局]", r"卫生健康[委局]", r"卫生和计划生育", r"卫生和计生", r"卫生计生",
             r"卫计[委局]", r"卫生局", r"疾控中心", r"疾病预防控制"],
    "交通运输": [r"交通运输[局厅和]", r"交通局", r"交警", r"交通警察", r"公路局", r"运管处",
             r"运输管理处", r"公交公司", r"公交集团", r"轨道交通集团", r"客运管理"],
}
PATTERNS = {c: re.compile("|".join(p)) for c, p in DEPTS.items()}


def weak_rows():
    if os.path.exists(WEAK_CACHE):
        return pickle.load(open(WEAK_CACHE, "rb"))
    rows = list(csv.DictReader(open(REPLIES, encoding="utf-8-sig", newline="")))
    out = {"n_all": len(rows), "n_none": 0, "n_multi": 0, "texts": [], "labels": [], "ids": []}
    for r in rows:
        cats = {c for c, p in PATTERNS.items() if p.search(r["reply"] or "")}
        if not cats:
            out["n_none"] += 1
        elif len(cats) > 1:
            out["n_multi"] += 1
        else:
            text = (r["title"] or "").strip() + "\n" + (r["text"] or "")
            out["texts"].append(text); out["labels"].append(cats.pop()); out["ids"].append(r["id"])
    out["norm"] = [normalize(t, 500) for t in out["texts"]]
    keep = [i for i, t in enumerate(out["norm"]) if t]
    for k in ("texts", "labels", "ids", "norm"):
        out[k] = [out[k][i] for i in keep]
    out["labels"] = np.array(out["labels"], dtype=object)
    pickle.dump(out, open(WEAK_CACHE, "wb"))
    return out


class WNB(NBLinearSVC):
    """NBLinearSVC with sample weights (weighted NB document frequencies + weighted hinge loss).
    With all weights 1 it is NBLinearSVC."""

    def fit(self, X, y, sample_weight=None):
        X = sp.csr_matrix(X, dtype=np.float32); y = np.asarray(y)
        sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        K, F = len(self.classes_), X.shape[1]
        B = X.copy(); B.data[:] = 1.0
        oh = sp.csr_matrix((sw.astype(np.float32), (y_idx, np.arange(len(y_idx)))), shape=(K, len(y_idx)))
        inc = np.asarray((oh @ B).todense(), dtype=np.float64); tot = inc.sum(0)
        coef = np.zeros((K, F), np.float32); b = np.zeros(K, np.float32)
        for c in range(K):
            p = self.alpha + inc[c]; q = self.alpha + tot - inc[c]
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            svm = LinearSVC(C=self.C).fit(X.multiply(r.astype(np.float32)).tocsr(),
                                          (y_idx == c).astype(np.int8), sample_weight=sw)
            coef[c] = svm.coef_[0] * r; b[c] = svm.intercept_[0]
        self.coef_ = coef; self.intercept_ = b; self.n_features_in_ = F
        return self


def labels_report():
    data = load(); W = weak_rows()
    print(json.dumps({k: W[k] for k in ("n_all", "n_none", "n_multi")}), "kept", len(W["labels"]))
    print("weak label counts", dict(zip(*np.unique(W["labels"].astype(str), return_counts=True))))
    # current model trained on all 8,700 labelled rows -> agreement with the weak labels
    t = time.perf_counter()
    pipe = build_pipeline(ModelConfig()).fit(data["norm"], data["labels"].astype(str))
    print("train all rows (no calibration) %.1f s" % (time.perf_counter() - t))
    pred = pipe.predict(W["norm"])
    wl = W["labels"].astype(str)
    print("agreement weak vs current model: %.4f (%d/%d)" % ((pred == wl).mean(), (pred == wl).sum(), len(wl)))
    for c in np.unique(wl):
        m = wl == c
        print("  %s n=%d agree %.3f" % (c, m.sum(), (pred[m] == c).mean()))
    # overlap with the labelled rows: gold vs weak label on those
    nd = near_duplicates(W["norm"], data["norm"])
    gold = data["labels"].astype(str)
    ov = [(i, js) for i, js in nd.items()]
    agree = sum(any(gold[j] == wl[i] for j in js) for i, js in ov)
    print("weak rows that near-duplicate a labelled row: %d; weak label = a copy's gold label: %d" % (len(ov), agree))
    np.save("/tmp/nlp-exp/weak_pred_current.npy", pred)


def cv(on, ws):
    data = load(); W = weak_rows()
    drop = [c for c in os.environ.get("DROP", "").split(",") if c]  # weak classes left out
    if drop:
        keep = [i for i, l in enumerate(W["labels"]) if l not in drop]
        W = dict(W, norm=[W["norm"][i] for i in keep], labels=W["labels"][keep])
        print("weak rows without", drop, len(keep), flush=True)
    norm, labels = data["norm"], data["labels"].astype(str)
    SEED = int(os.environ.get("SEED", 0))
    folds = data["folds"][on] if SEED == 0 else make_folds(data["rows"], norm, data["labels"], on, seed=SEED)
    ws = [0.0] + [w for w in ws if w != 0.0]
    P = {w: np.empty(len(labels), dtype=object) for w in ws}
    secs = {w: [] for w in ws}; kept = []
    for k, (tr, te) in enumerate(folds):
        dup = near_duplicates(W["norm"], [norm[i] for i in te])
        wk = np.array([i for i in range(len(W["norm"])) if i not in dup])
        kept.append(len(wk))
        for w in ws:
            t = time.perf_counter()
            if w == 0.0:
                pipe = build_pipeline(ModelConfig()).fit([norm[i] for i in tr], labels[tr])
            else:
                texts = [norm[i] for i in tr] + [W["norm"][i] for i in wk]
                y = np.concatenate([labels[tr], W["labels"][wk].astype(str)])
                sw = np.concatenate([np.ones(len(tr)), np.full(len(wk), w)])
                pipe = build_pipeline(ModelConfig())
                pipe.steps[-1] = ("clf", WNB())
                pipe.fit(texts, y, clf__sample_weight=sw)
            secs[w].append(time.perf_counter() - t)
            P[w][te] = pipe.predict([norm[i] for i in te])
        print(f"  fold {k}: weak kept {len(wk)} (dropped {len(dup)}), " +
              ", ".join("w=%.1f %.1fs" % (w, secs[w][-1]) for w in ws), flush=True)
    idx = np.concatenate([te for _, te in folds])
    res = {}
    for w in ws:
        acc, f1 = metrics(labels[idx], P[w][idx].astype(str))
        res[w] = (acc, f1)
        print(f"{on} seed {SEED} w={w:.1f} acc {acc} f1 {f1} train_s/fold {np.mean(secs[w]):.1f}", flush=True)
    np.savez(f"/tmp/nlp-exp/distant_{on}_s{SEED}{'_drop' if drop else ''}.npz", **{f"w{w}": P[w] for w in ws}, idx=idx)
    return res


if __name__ == "__main__":
    if sys.argv[1] == "labels":
        labels_report()
    else:
        cv(sys.argv[2], [float(x) for x in sys.argv[3:]])
