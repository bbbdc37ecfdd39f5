"""Pairwise (one-vs-one) refinement of the top two classes (session 5 experiment).

For each outer fold of `nlp-evaluate --cv 5 [--cv-on all] --seed 0` (harness.make_folds):

1. reference = the current model (`train_normalized`, calibration probe included), retrained
   on the fold's training rows in this run;
2. inner 3-fold CV on the training rows only (StratifiedGroupKFold, groups = near-duplicate
   clusters among the training rows, `evaluation.near_duplicates`), giving out-of-fold
   one-vs-rest scores for every training row;
3. pairs = the N class pairs with the most inner out-of-fold confusions (both directions);
4. for every chosen pair a binary NB-SVM (NB ratio between the two classes, LinearSVC C = 1)
   on only that pair's rows, on the features of the fitted pipeline (same vocabularies);
   fitted inside each inner fold (for the threshold) and on the whole training fold (final);
5. at prediction, when the top two one-vs-rest classes are a chosen pair, and (thresholded
   variant) the top-1 minus top-2 score margin is below t, the pairwise model picks between
   the two. t is chosen on the inner out-of-fold predictions (max accuracy, ties -> smaller t).
   Soft variant "blend": on those rows pick by (s_a - s_b) + lam * pairwise decision, lam
   chosen the same way from {0, 0.1, 0.25, 0.5, 1, 2}.
   "thr" in the log: [t, inner acc at t, inner acc of the reference, inner acc always,
   lam, inner acc at lam].

No test row is used for choosing pairs or thresholds.
Usage (from /tmp/nlp-exp, see README):  python pairwise.py raw|all [raw|all]
Env: NPAIRS="4,5,6,8" (variants), INNER=3, SEED=0.
"""
import os, sys, time, json
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, "/tmp/nlp-exp")
from harness import *  # noqa  (load, make_folds, groups_of, metrics, near_duplicates, np)
import scipy.sparse as sp
from sklearn.svm import LinearSVC
from sklearn.model_selection import StratifiedGroupKFold
from minxin.nlp.pipeline import train_normalized, build_pipeline

NPAIRS = [int(x) for x in os.environ.get("NPAIRS", "4,5,6,8").split(",")]
INNER = int(os.environ.get("INNER", "3"))
SEED = int(os.environ.get("SEED", "0"))


def fit_pair(X, y, a, b, C=1.0, alpha=1.0):
    """Binary NB-SVM a (positive) vs b on the rows labelled a or b. Returns (w, b0)."""
    rows = np.flatnonzero((y == a) | (y == b))
    Xp = sp.csr_matrix(X[rows], dtype=np.float32)
    t = (y[rows] == a).astype(np.int8)
    B = Xp.copy(); B.data[:] = 1.0
    pa = alpha + np.asarray(B[t == 1].sum(0)).ravel()
    pb = alpha + np.asarray(B[t == 0].sum(0)).ravel()
    r = (np.log(pa / pa.sum()) - np.log(pb / pb.sum())).astype(np.float32)
    svm = LinearSVC(C=C).fit(Xp.multiply(r).tocsr(), t)
    return (svm.coef_[0] * r).astype(np.float32), float(svm.intercept_[0])


def top_pairs(y_idx, pred_idx, k):
    n = int(max(y_idx.max(), pred_idx.max())) + 1
    M = np.zeros((n, n), int)
    np.add.at(M, (y_idx, pred_idx), 1)
    S = M + M.T
    pairs = sorted(((S[a, b], a, b) for a in range(n) for b in range(a + 1, n)), reverse=True)
    return [(a, b) for s, a, b in pairs[:k]], {(a, b): int(s) for s, a, b in pairs[:k]}


def refine(scores, pair_dec, pairs, thr):
    """pair_dec[(a,b)] = decision (>0 -> a) for every row. Returns new argmax and changed mask."""
    order = np.argsort(-scores, axis=1)
    t1, t2 = order[:, 0], order[:, 1]
    margin = scores[np.arange(len(scores)), t1] - scores[np.arange(len(scores)), t2]
    pred = t1.copy()
    for (a, b) in pairs:
        hit = (((t1 == a) & (t2 == b)) | ((t1 == b) & (t2 == a))) & (margin < thr)
        pred[hit] = np.where(pair_dec[(a, b)][hit] > 0, a, b)
    return pred, pred != t1


def blend(scores, pair_dec, pairs, lam):
    """Soft variant: on rows whose top two are a chosen pair (a, b), pick a iff
    (s_a - s_b) + lam * pair_decision > 0 (lam = 0: the reference)."""
    order = np.argsort(-scores, axis=1)
    t1, t2 = order[:, 0], order[:, 1]
    pred = t1.copy()
    for (a, b) in pairs:
        hit = ((t1 == a) & (t2 == b)) | ((t1 == b) & (t2 == a))
        z = scores[hit, a] - scores[hit, b] + lam * pair_dec[(a, b)][hit]
        pred[hit] = np.where(z > 0, a, b)
    return pred


def run(on, data):
    norm, labels = data["norm"], data["labels"].astype(str)
    C = classes(labels); cidx = {c: i for i, c in enumerate(C)}
    y_all = np.array([cidx[l] for l in labels])
    folds = data["folds"][on] if SEED == 0 else make_folds(data["rows"], norm, data["labels"], on, seed=SEED)
    n = len(labels); maxk = max(NPAIRS)
    ref_scores = np.full((n, len(C)), np.nan)
    preds = {}  # variant -> array of predictions
    log = {"on": on, "folds": []}
    for f, (tr, te) in enumerate(folds):
        tr_txt = [norm[i] for i in tr]; te_txt = [norm[i] for i in te]; ytr = y_all[tr]
        t0 = time.perf_counter()
        m = train_normalized(tr_txt, labels[tr])
        t_ref = time.perf_counter() - t0 + data["norm_per_row"] * len(tr)
        assert list(m.classes) == list(C)
        S = m.pipeline.decision_function(te_txt); ref_scores[te] = S
        # inner CV (training rows only)
        t1 = time.perf_counter()
        g = groups_of(tr_txt)
        t_groups = time.perf_counter() - t1
        oof = np.zeros((len(tr), len(C))); inner = []
        skf = StratifiedGroupKFold(n_splits=INNER, shuffle=True, random_state=0)
        for itr, iva in skf.split(np.zeros(len(tr)), ytr, g):
            p = build_pipeline()
            p.fit([tr_txt[i] for i in itr], labels[tr][itr])
            feats = p.named_steps["features"]
            Xva = feats.transform([tr_txt[i] for i in iva])
            oof[iva] = p.named_steps["clf"].decision_function(Xva)
            Xtr = feats.transform([tr_txt[i] for i in itr])
            inner.append((itr, iva, Xtr, Xva))
        t_inner = time.perf_counter() - t1
        pairs, pcount = top_pairs(ytr, oof.argmax(1), maxk)
        # pair models inside inner folds -> OOF pair decisions
        t2 = time.perf_counter()
        oof_dec = {pr: np.zeros(len(tr)) for pr in pairs}
        for itr, iva, Xtr, Xva in inner:
            for (a, b) in pairs:
                w, b0 = fit_pair(Xtr, ytr[itr], a, b)
                oof_dec[(a, b)][iva] = Xva @ w + b0
        t_inner_pairs = time.perf_counter() - t2
        # thresholds per N (inner OOF accuracy)
        o = np.sort(oof, 1); marg = o[:, -1] - o[:, -2]
        grid = np.concatenate([[0.0], np.quantile(marg, np.linspace(0.02, 1.0, 50)), [np.inf]])
        thr = {}
        for k in NPAIRS:
            best = None
            for t in grid:
                pr, _ = refine(oof, oof_dec, pairs[:k], t)
                acc = (pr == ytr).mean()
                if best is None or acc > best[0] + 1e-12:
                    best = (acc, t)
            base_acc = (oof.argmax(1) == ytr).mean()
            always = (refine(oof, oof_dec, pairs[:k], np.inf)[0] == ytr).mean()
            bl = None
            for lam in (0.0, 0.1, 0.25, 0.5, 1.0, 2.0):
                acc = (blend(oof, oof_dec, pairs[:k], lam) == ytr).mean()
                if bl is None or acc > bl[0] + 1e-12:
                    bl = (acc, lam)
            thr[k] = (float(best[1]), float(best[0]), float(base_acc), float(always),
                      float(bl[1]), float(bl[0]))
        # final pair models on the whole training fold
        t3 = time.perf_counter()
        Xall = m.pipeline.named_steps["features"].transform(tr_txt)
        Xte = m.pipeline.named_steps["features"].transform(te_txt)
        dec = {}
        for (a, b) in pairs:
            w, b0 = fit_pair(Xall, ytr, a, b)
            dec[(a, b)] = Xte @ w + b0
        t_final_pairs = time.perf_counter() - t3
        preds.setdefault("reference", np.full(n, -1))[te] = S.argmax(1)
        for k in NPAIRS:
            for name, t in (("always", np.inf), ("thr", thr[k][0])):
                pr, ch = refine(S, dec, pairs[:k], t)
                preds.setdefault(f"N{k}_{name}", np.full(n, -1))[te] = pr
            preds.setdefault(f"N{k}_blend", np.full(n, -1))[te] = blend(S, dec, pairs[:k], thr[k][4])
        fl = {"fold": f, "pairs": [(C[a], C[b], pcount[(a, b)]) for a, b in pairs],
              "thr": {k: [round(x, 4) for x in v] for k, v in thr.items()},
              "secs": {"reference": round(t_ref, 1), "groups": round(t_groups, 1),
                       "inner_cv": round(t_inner, 1), "inner_pairs": round(t_inner_pairs, 1),
                       "final_pairs": round(t_final_pairs, 1)}}
        log["folds"].append(fl)
        print(json.dumps(fl, ensure_ascii=False), flush=True)
    idx = np.concatenate([te for _, te in folds])
    y = y_all[idx]; ref = preds["reference"][idx]
    rows = {}
    for name, p in preds.items():
        p = p[idx]; ch = p != ref
        acc, f1 = metrics(C[y], C[p])
        rows[name] = {"acc": acc, "f1": f1, "changed": int(ch.sum()),
                      "fixed": int((ch & (p == y)).sum()), "broken": int((ch & (ref == y)).sum())}
        print(on, name, rows[name], flush=True)
    log["results"] = rows
    secs = {k: np.mean([fl["secs"][k] for fl in log["folds"]]) for k in log["folds"][0]["secs"]}
    log["mean_secs"] = {k: round(v, 1) for k, v in secs.items()}
    print(on, "mean secs/fold", log["mean_secs"], flush=True)
    json.dump(log, open(f"/tmp/nlp-exp/pairwise_{on}_s{SEED}.json", "w"), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    data = load()
    for on in sys.argv[1:] or ["raw", "all"]:
        run(on, data)
