# Generate R 'survey' reference values for surveystats' design-based estimation
# (SurveyDesign with strata, clusters, weights, fpc, lonely-PSU options,
# replicate weights and calibration).
#
# Usage (from the repository root):
#     Rscript tests/reference/design/export_api.R          # data sets (once)
#     Rscript tests/reference/design/make_design_reference.R
# Writes, next to this script:
#     design_reference.csv            long table of estimates (see header lines)
#     repweights_<design>.csv         replicate (analysis) weights, data order
#     repweights_meta.csv             type, scale, rscales, mse per replicate design
#     calweights_<design>.csv         weights after calibration / trimming
# Needs R with the 'survey' package (Debian: r-base-core r-cran-survey).
# The tests only read the CSV files; they never call R.
# Every design id used below is described in README.md in this folder.

suppressPackageStartupMessages(library(survey))

script_rel <- "tests/reference/design/make_design_reference.R"
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
out_dir <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference/design"

options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
        survey.replicates.mse = FALSE, survey.ultimate.cluster = FALSE,
        survey.drop.replicates = TRUE)

data(api)

num <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "", sprintf("%.17g", v))
}

rows <- list()
notes <- character(0)      # R errors / warnings worth knowing
na_cases <- character(0)   # rows whose value is NA/NaN in R

add <- function(design, estimator, variable, statistic, value,
                by = "", domain = "", level = "", args = "") {
  value <- as.numeric(value)
  stopifnot(length(value) == 1L)
  rows[[length(rows) + 1L]] <<- data.frame(
    design = design, estimator = estimator, variable = variable, by = by,
    domain = as.character(domain), level = as.character(level), args = args,
    statistic = statistic, value = num(value), stringsAsFactors = FALSE)
  invisible(NULL)
}

# run an R call; on error record the message and return NULL
attempt <- function(label, expr) {
  withCallingHandlers(
    tryCatch(expr, error = function(e) {
      notes <<- c(notes, sprintf("%s: ERROR %s", label,
                                 gsub("\\s+", " ", trimws(conditionMessage(e)))))
      NULL
    }),
    warning = function(w) {
      notes <<- c(notes, sprintf("%s: warning %s", label,
                                 gsub("\\s+", " ", trimws(conditionMessage(w)))))
      invokeRestart("muffleWarning")
    })
}

se1 <- function(x) sqrt(diag(as.matrix(vcov(x))))

# estimate / se / var (+ deffs) for each coefficient of a svystat / svrepstat
add_stat <- function(design, estimator, variable, est, est_wr = NULL,
                     levels = NULL, args = "", by = "", domain = "",
                     cov = FALSE) {
  if (is.null(est)) return(invisible(NULL))
  cf <- coef(est)
  V <- as.matrix(vcov(est))
  lv <- if (is.null(levels)) rep("", length(cf)) else levels
  dwor <- if (!is.null(attr(est, "deff"))) diag(as.matrix(attr(est, "deff"))) else NULL
  dwr <- if (!is.null(est_wr) && !is.null(attr(est_wr, "deff")))
    diag(as.matrix(attr(est_wr, "deff"))) else NULL
  for (k in seq_along(cf)) {
    add(design, estimator, variable, "estimate", cf[k], by, domain, lv[k], args)
    add(design, estimator, variable, "se", sqrt(V[k, k]), by, domain, lv[k], args)
    add(design, estimator, variable, "var", V[k, k], by, domain, lv[k], args)
    if (!is.null(dwor)) add(design, estimator, variable, "deff_wor", dwor[k], by, domain, lv[k], args)
    if (!is.null(dwr)) add(design, estimator, variable, "deff_wr", dwr[k], by, domain, lv[k], args)
  }
  if (cov && length(cf) > 1) {
    for (a in 1:(length(cf) - 1)) for (b in (a + 1):length(cf))
      add(design, estimator, variable, "cov", V[a, b], by, domain,
          paste0(lv[a], ":", lv[b]), args)
  }
  invisible(NULL)
}

stype_levels <- c("E", "H", "M")
ciprop_methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

# ---------------------------------------------------------------------------
# Batteries of estimates
# ---------------------------------------------------------------------------
battery <- function(id, d, full = TRUE, quant = TRUE, by = TRUE) {
  lab <- function(s) paste0(id, " ", s)
  add(id, "degf", "", "df", degf(d))
  add(id, "nobs", "", "n", nrow(d))
  add(id, "sum_weights", "", "estimate", sum(weights(d, "sampling")))

  # mean api00 with both deffs
  m <- attempt(lab("svymean(~api00, deff=TRUE)"), svymean(~api00, d, deff = TRUE))
  mr <- attempt(lab("svymean(~api00, deff='replace')"), svymean(~api00, d, deff = "replace"))
  add_stat(id, "mean", "api00", m, mr)

  # total enroll with both deffs (na.rm=TRUE: apiclus2$enroll has 6 NA)
  t1 <- attempt(lab("svytotal(~enroll, na.rm=TRUE, deff=TRUE)"),
                svytotal(~enroll, d, na.rm = TRUE, deff = TRUE))
  t2 <- attempt(lab("svytotal(~enroll, na.rm=TRUE, deff='replace')"),
                svytotal(~enroll, d, na.rm = TRUE, deff = "replace"))
  add_stat(id, "total", "enroll", t1, t2, args = "na.rm=TRUE")
  if (!full) return(invisible(NULL))

  # without na.rm: NA for apiclus2 (kept on purpose)
  t0 <- attempt(lab("svytotal(~enroll)"), svytotal(~enroll, d))
  add_stat(id, "total", "enroll", t0)

  # means of variables with NA, na.rm = TRUE (domain-style: design[!is.na(x), ])
  for (v in c("enroll", "acs.k3")) {
    f <- as.formula(paste0("~", v))
    a <- attempt(lab(sprintf("svymean(~%s, na.rm=TRUE, deff=TRUE)", v)),
                 svymean(f, d, na.rm = TRUE, deff = TRUE))
    b <- attempt(lab(sprintf("svymean(~%s, na.rm=TRUE, deff='replace')", v)),
                 svymean(f, d, na.rm = TRUE, deff = "replace"))
    add_stat(id, "mean", v, a, b, args = "na.rm=TRUE")
  }

  # joint mean api00 + api99 (with covariance)
  j <- attempt(lab("svymean(~api00+api99)"), svymean(~api00 + api99, d))
  add_stat(id, "mean", "api00+api99", j, levels = c("api00", "api99"), cov = TRUE)

  # weighted population variance (svyvar; the deff denominators use it)
  sv <- attempt(lab("svyvar(~api00)"), svyvar(~api00, d))
  if (!is.null(sv)) {
    add(id, "svyvar", "api00", "estimate", coef(sv))
    add(id, "svyvar", "api00", "se", sqrt(vcov(sv)))
  }

  # ratio api00 / api99
  r <- attempt(lab("svyratio(~api00, ~api99)"), svyratio(~api00, ~api99, d))
  if (!is.null(r)) {
    add(id, "ratio", "api00/api99", "estimate", coef(r))
    add(id, "ratio", "api00/api99", "se", SE(r))
    add(id, "ratio", "api00/api99", "var", vcov(r))
  }

  # quantiles: default rule (qrule="math", interval.type="mean") and hf7
  if (quant) {
    for (qr in c("math", "hf7")) {
      q <- attempt(lab(sprintf("svyquantile(~api00, qrule='%s')", qr)),
                   svyquantile(~api00, d, quantiles = c(0.25, 0.5, 0.75),
                               qrule = qr, ci = TRUE))
      if (is.null(q)) next
      tab <- q[["api00"]]
      for (k in seq_len(nrow(tab))) {
        p <- rownames(tab)[k]
        a <- sprintf("qrule=\"%s\";interval.type=\"mean\";alpha=0.05", qr)
        add(id, "quantile", "api00", "estimate", tab[k, 1], level = p, args = a)
        add(id, "quantile", "api00", "low", tab[k, 2], level = p, args = a)
        add(id, "quantile", "api00", "high", tab[k, 3], level = p, args = a)
        add(id, "quantile", "api00", "se", tab[k, 4], level = p, args = a)
      }
    }
  }

  # factor proportions and totals (every level) with deffs
  p1 <- attempt(lab("svymean(~stype, deff=TRUE)"), svymean(~stype, d, deff = TRUE))
  p2 <- attempt(lab("svymean(~stype, deff='replace')"), svymean(~stype, d, deff = "replace"))
  add_stat(id, "proportion", "stype", p1, p2, levels = stype_levels, cov = TRUE)
  t3 <- attempt(lab("svytotal(~stype)"), svytotal(~stype, d))
  add_stat(id, "total", "stype", t3, levels = stype_levels)

  # logical indicator (model.matrix gives FALSE and TRUE columns)
  l1 <- attempt(lab("svymean(~I(sch.wide==\"Yes\"))"),
                svymean(~I(sch.wide == "Yes"), d, deff = TRUE))
  l2 <- attempt(lab("svymean(~I(sch.wide==\"Yes\"), deff='replace')"),
                svymean(~I(sch.wide == "Yes"), d, deff = "replace"))
  add_stat(id, "proportion", "I(sch.wide==\"Yes\")", l1, l2, levels = c("FALSE", "TRUE"))

  # svyciprop, every method, level 0.95, df = degf(design)
  for (meth in ciprop_methods) {
    ci <- attempt(lab(sprintf("svyciprop(~I(sch.wide==\"Yes\"), method='%s')", meth)),
                  svyciprop(~I(sch.wide == "Yes"), d, method = meth, level = 0.95))
    if (is.null(ci)) next
    a <- sprintf("method=\"%s\";level=0.95", meth)
    add(id, "ciprop", "I(sch.wide==\"Yes\")", "estimate", coef(ci), args = a)
    add(id, "ciprop", "I(sch.wide==\"Yes\")", "se", sqrt(attr(ci, "var")), args = a)
    add(id, "ciprop", "I(sch.wide==\"Yes\")", "low", attr(ci, "ci")[1], args = a)
    add(id, "ciprop", "I(sch.wide==\"Yes\")", "high", attr(ci, "ci")[2], args = a)
  }

  # domains: svyby over stype
  if (by) {
    b1 <- attempt(lab("svyby(~api00, ~stype, svymean, deff=TRUE)"),
                  svyby(~api00, ~stype, d, svymean, deff = TRUE))
    b2 <- attempt(lab("svyby(~api00, ~stype, svymean, deff='replace')"),
                  svyby(~api00, ~stype, d, svymean, deff = "replace"))
    b3 <- attempt(lab("svyby(~enroll, ~stype, svytotal)"),
                  svyby(~enroll, ~stype, d, svytotal, na.rm = TRUE))
    if (!is.null(b1)) {
      for (k in seq_len(nrow(b1))) {
        lv <- as.character(b1$stype[k])
        add(id, "mean", "api00", "estimate", coef(b1)[k], "stype", lv)
        add(id, "mean", "api00", "se", SE(b1)[k], "stype", lv)
        add(id, "mean", "api00", "var", SE(b1)[k]^2, "stype", lv)
        add(id, "mean", "api00", "deff_wor", deff(b1)[k], "stype", lv)
        # deff.svyby() fails for deff="replace" (!"replace"), so read the column
        if (!is.null(b2)) add(id, "mean", "api00", "deff_wr", b2[k, "DEff.api00"], "stype", lv)
        # svyby itself has no df; this is degf() of the domain subset
        add(id, "mean", "api00", "df", degf(subset(d, stype == lv)), "stype", lv,
            args = "degf(subset(design, stype == domain))")
      }
    }
    if (!is.null(b3)) {
      for (k in seq_len(nrow(b3))) {
        lv <- as.character(b3$stype[k])
        add(id, "total", "enroll", "estimate", coef(b3)[k], "stype", lv, args = "na.rm=TRUE")
        add(id, "total", "enroll", "se", SE(b3)[k], "stype", lv, args = "na.rm=TRUE")
      }
    }
  }
  invisible(NULL)
}

# ---------------------------------------------------------------------------
# 1. Taylor-linearisation designs
# ---------------------------------------------------------------------------
designs <- list(
  srs         = svydesign(id = ~1, fpc = ~fpc, data = apisrs),
  srs_nofpc   = svydesign(id = ~1, weights = ~pw, data = apisrs),
  strat       = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  clus1       = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1),
  clus1_nofpc = svydesign(id = ~dnum, weights = ~pw, data = apiclus1),
  clus2       = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
  clus2_wr    = svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2),
  strat_clus  = svydesign(id = ~dnum, strata = ~stype, weights = ~pw, nest = TRUE, data = apistrat)
)

# BRR-able design: apiclus1 without district 815 (the largest dnum), the
# remaining 14 districts paired in increasing dnum order into 7 pseudo-strata.
apiclus1_pairs <- subset(apiclus1, dnum != 815)
apiclus1_pairs$pair <- ceiling(match(apiclus1_pairs$dnum, sort(unique(apiclus1_pairs$dnum))) / 2)
designs$pairs <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = apiclus1_pairs)

for (id in names(designs)) battery(id, designs[[id]])

# ---------------------------------------------------------------------------
# 2. Lonely PSUs: apistrat with only its first "H" school (in data order) kept
# ---------------------------------------------------------------------------
first_h <- which(apistrat$stype == "H")[1]
apistrat_lonely <- apistrat[apistrat$stype != "H" | seq_len(nrow(apistrat)) == first_h, ]
lonely_designs <- list(
  lonely_strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                           data = apistrat_lonely),
  lonely_clus  = svydesign(id = ~dnum, strata = ~stype, weights = ~pw, nest = TRUE,
                           data = apistrat_lonely)
)
for (base in names(lonely_designs)) {
  for (opt in c("fail", "remove", "certainty", "adjust", "average")) {
    options(survey.lonely.psu = opt)
    id <- paste0(base, "_", opt)
    d <- lonely_designs[[base]]
    add(id, "degf", "", "df", degf(d))
    m <- attempt(paste(id, "svymean(~api00)"), svymean(~api00, d))
    add_stat(id, "mean", "api00", m)
    t <- attempt(paste(id, "svytotal(~enroll)"), svytotal(~enroll, d))
    add_stat(id, "total", "enroll", t)
    j <- attempt(paste(id, "svymean(~api00+api99)"), svymean(~api00 + api99, d))
    add_stat(id, "mean", "api00+api99", j, levels = c("api00", "api99"), cov = TRUE)
  }
}
options(survey.lonely.psu = "fail")

# ---------------------------------------------------------------------------
# 3. Replicate-weight designs
# ---------------------------------------------------------------------------
rep_designs <- list(
  clus1_jk1       = as.svrepdesign(designs$clus1, type = "JK1"),
  clus1_nofpc_jk1 = as.svrepdesign(designs$clus1_nofpc, type = "JK1"),
  strat_jkn       = as.svrepdesign(designs$strat, type = "JKn"),
  strat_clus_jkn  = as.svrepdesign(designs$strat_clus, type = "JKn"),
  pairs_brr       = as.svrepdesign(designs$pairs, type = "BRR"),
  pairs_fay       = as.svrepdesign(designs$pairs, type = "Fay", fay.rho = 0.3)
)

# supplied replicate weights: the JK1 analysis weights of clus1_jk1
W <- weights(rep_designs$clus1_jk1, "analysis")
colnames(W) <- paste0("rep", seq_len(ncol(W)))
apiclus1_rw <- cbind(apiclus1, W)
s_jk1 <- rep_designs$clus1_jk1$scale
# type="JK1" without scale: R warns and uses scale = (R-1)/R, R = number of replicates
rep_designs$clus1_jk1_supplied <- attempt("clus1_jk1_supplied svrepdesign(type=\"JK1\")",
  svrepdesign(data = apiclus1_rw, repweights = "^rep[0-9]+$", weights = ~pw, type = "JK1",
              combined.weights = TRUE, mse = FALSE))
rep_designs$clus1_jk1_supplied_mse <- attempt("clus1_jk1_supplied_mse svrepdesign(type=\"JK1\")",
  svrepdesign(data = apiclus1_rw, repweights = "^rep[0-9]+$", weights = ~pw, type = "JK1",
              combined.weights = TRUE, mse = TRUE))
rep_designs$clus1_other_supplied <- svrepdesign(
  data = apiclus1_rw, repweights = "^rep[0-9]+$", weights = ~pw, type = "other",
  scale = s_jk1, rscales = 1, combined.weights = TRUE, mse = FALSE)
rep_designs$clus1_other_supplied_mse <- svrepdesign(
  data = apiclus1_rw, repweights = "^rep[0-9]+$", weights = ~pw, type = "other",
  scale = s_jk1, rscales = 1, combined.weights = TRUE, mse = TRUE)

for (id in names(rep_designs)) battery(id, rep_designs[[id]])

# replicate weights and their meta data
meta <- list()
rep_files <- c("clus1_jk1", "strat_jkn", "strat_clus_jkn", "pairs_brr", "pairs_fay")
for (id in names(rep_designs)) {
  r <- rep_designs[[id]]
  nrep <- ncol(weights(r, "analysis"))
  rs <- r$rscales
  if (length(rs) == 1L) rs <- rep(rs, nrep)
  meta[[id]] <- data.frame(
    design = id, type = r$type, scale = num(r$scale),
    mse = as.character(isTRUE(r$mse)), fay_rho = num(if (is.null(r$rho)) NA else r$rho),
    combined_weights = as.character(isTRUE(r$combined.weights)),
    n_replicates = nrep, replicate = seq_len(nrep), rscale = num(rs),
    stringsAsFactors = FALSE)
  if (id %in% rep_files) {
    A <- weights(r, "analysis")
    out <- data.frame(cds = r$variables$cds, stringsAsFactors = FALSE)
    for (k in seq_len(ncol(A))) out[[paste0("rep", k)]] <- num(A[, k])
    write.csv(out, file.path(out_dir, paste0("repweights_", id, ".csv")),
              row.names = FALSE, quote = 1L)
  }
}
meta_df <- do.call(rbind, meta)
meta_path <- file.path(out_dir, "repweights_meta.csv")
writeLines(c(
  paste0("# tool: ", R.version.string),
  paste0("# packages: survey ", as.character(packageVersion("survey"))),
  paste0("# script: ", script_rel),
  "# columns: design = replicate design id (README.md); type = svrepdesign type; scale, rscale = the",
  "#   variance is scale * sum_r rscale_r * (theta_r - centre)^2 with centre = full-sample estimate",
  "#   when mse is TRUE, else the mean of the replicates with rscale > 0; fay_rho = Fay rho (0 = BRR);",
  "#   combined_weights = replicate weights already include the sampling weights (FALSE for",
  "#   as.svrepdesign objects: R stores factors; repweights_<design>.csv always holds analysis weights",
  "#   = weights(design, \"analysis\")); n_replicates; replicate = 1-based column index."),
  meta_path)
suppressWarnings(write.table(meta_df, meta_path, append = TRUE, sep = ",", row.names = FALSE,
            quote = c(1L, 2L, 4L, 6L), qmethod = "double"))

# bootstrap: random, no reference values (recorded only as a note)
notes <- c(notes, paste(
  "as.svrepdesign(design, type=\"bootstrap\") draws replicates with sample():",
  "random, so no reference values are written"))

# ---------------------------------------------------------------------------
# 4. Calibration (postStratify, rake, calibrate, trimWeights)
# ---------------------------------------------------------------------------
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"),
                          Freq = as.vector(table(apipop$sch.wide)[c("No", "Yes")]))
stopifnot(all(pop.types$Freq == as.vector(table(apipop$stype)[c("E", "H", "M")])))
pop.greg <- c(`(Intercept)` = nrow(apipop), stypeH = sum(apipop$stype == "H"),
              stypeM = sum(apipop$stype == "M"), api99 = sum(apipop$api99))
stopifnot(all(pop.greg == c(6194, 755, 1018, 3914069)))

cal <- list()
cal$clus1_ps <- postStratify(designs$clus1, ~stype, pop.types)
cal$clus1_rake <- attempt("clus1_rake rake() default control",
  rake(designs$clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide)))
cal$clus1_rake_tight <- attempt("clus1_rake_tight",
  rake(designs$clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
       control = list(maxit = 100, epsilon = 1e-13)))
cal$clus1_greg <- calibrate(designs$clus1, ~stype + api99, pop.greg)
cal$clus1_greg_bounded <- attempt("clus1_greg_bounded",
  calibrate(designs$clus1, ~stype + api99, pop.greg, bounds = c(0.5, 2)))
cal$clus1_greg_bounded_tight <- attempt("clus1_greg_bounded_tight",
  calibrate(designs$clus1, ~stype + api99, pop.greg, bounds = c(0.5, 2),
            epsilon = 1e-13, maxit = 100))
cal$clus1_greg_raking <- attempt("clus1_greg_raking",
  calibrate(designs$clus1, ~stype + api99, pop.greg, calfun = "raking",
            epsilon = 1e-13, maxit = 100))
cal$clus1_greg_trim <- trimWeights(cal$clus1_greg, lower = 25, upper = 40)
cal$strat_ps <- postStratify(designs$strat, ~sch.wide, pop.schwide)
cal$strat_rake <- attempt("strat_rake",
  rake(designs$strat, list(~stype, ~sch.wide), list(pop.types, pop.schwide)))
cal$strat_greg <- calibrate(designs$strat, ~stype + api99, pop.greg)
cal$strat_trim <- trimWeights(designs$strat, lower = 20, upper = 40)

base_of <- function(id) if (startsWith(id, "clus1")) designs$clus1 else designs$strat
for (id in names(cal)) {
  d <- cal[[id]]
  if (is.null(d)) next
  battery(id, d, full = FALSE)
  p <- attempt(paste(id, "svymean(~stype)"), svymean(~stype, d))
  add_stat(id, "proportion", "stype", p, levels = stype_levels)
  j <- attempt(paste(id, "svymean(~api00+api99)"), svymean(~api00 + api99, d))
  add_stat(id, "mean", "api00+api99", j, levels = c("api00", "api99"), cov = TRUE)
  tt <- attempt(paste(id, "svytotal(~api99)"), svytotal(~api99, d))
  add_stat(id, "total", "api99", tt)
  b <- attempt(paste(id, "svyby(~api00, ~stype, svymean)"), svyby(~api00, ~stype, d, svymean))
  if (!is.null(b)) for (k in seq_len(nrow(b))) {
    lv <- as.character(b$stype[k])
    add(id, "mean", "api00", "estimate", coef(b)[k], "stype", lv)
    add(id, "mean", "api00", "se", SE(b)[k], "stype", lv)
  }
  w <- weights(d)
  out <- data.frame(cds = d$variables$cds, weight_before = num(weights(base_of(id))),
                    weight = num(w), stringsAsFactors = FALSE)
  write.csv(out, file.path(out_dir, paste0("calweights_", id, ".csv")),
            row.names = FALSE, quote = 1L)
}
gb <- cal$clus1_greg_bounded
gbt <- cal$clus1_greg_bounded_tight
notes <- c(notes, sprintf(
  "clus1_greg_bounded: max |w/w_tight - 1| versus epsilon=1e-13 = %.3g; g range [%.6g, %.6g]",
  max(abs(weights(gb) / weights(gbt) - 1)),
  min(weights(gb) / weights(designs$clus1)), max(weights(gb) / weights(designs$clus1))))
notes <- c(notes, sprintf(
  "clus1_rake (default control epsilon=1, maxit=10): max |w/w_tight - 1| = %.3g",
  max(abs(weights(cal$clus1_rake) / weights(cal$clus1_rake_tight) - 1))))
notes <- c(notes, sprintf(
  "strat_rake: max |w/w_pw - 1| = %.3g",
  max(abs(weights(cal$strat_rake) / weights(designs$strat) - 1))))

# ---------------------------------------------------------------------------
# Write design_reference.csv
# ---------------------------------------------------------------------------
tab <- do.call(rbind, rows)
key <- with(tab, paste(design, estimator, variable, by, domain, level, args, statistic, sep = "|"))
if (anyDuplicated(key)) stop("duplicate keys: ", paste(key[duplicated(key)], collapse = "; "))
argtag <- function(a) {
  a <- gsub(";", ",", gsub("[\" ]", "", a))
  a <- gsub("degf\\(subset\\(design,stype==domain\\)\\)", "subset", a)
  a
}
tab$case <- gsub("/+$", "", gsub("/+", "/", with(tab, paste(
  design, estimator, variable, ifelse(by == "", "", paste0(by, "=", domain)),
  level, argtag(args), statistic, sep = "/"))))
stopifnot(!anyDuplicated(tab$case))
na_rows <- tab$case[tab$value == ""]
tab <- tab[, c("case", "design", "estimator", "variable", "by", "domain", "level",
               "statistic", "value", "args")]

out_csv <- file.path(out_dir, "design_reference.csv")
header <- c(
  paste0("# tool: ", R.version.string),
  paste0("# packages: survey ", as.character(packageVersion("survey"))),
  paste0("# script: ", script_rel, " (data: tests/reference/design/api*.csv from export_api.R)"),
  paste0("# generated: ", format(Sys.Date())),
  "# options: survey.lonely.psu=\"fail\" unless the design id ends in _remove/_certainty/_adjust/_average; survey.adjust.domain.lonely=FALSE; survey.replicates.mse=FALSE; survey.ultimate.cluster=FALSE",
  "# columns: case = unique id (design/estimator/variable[/by=domain][/level][/args]/statistic)",
  "#   design = design id, see README.md (exact svydesign / as.svrepdesign / calibration call)",
  "#   estimator = mean | total | ratio | quantile | proportion (svymean/svytotal on a factor or logical: one row set per level) | ciprop (svyciprop) | svyvar | degf | nobs | sum_weights",
  "#   variable = R formula term (api00; api00+api99 = joint svymean; api00/api99 = svyratio(~api00, ~api99); I(sch.wide==\"Yes\"))",
  "#   by, domain = svyby(formula, ~by, design, FUN) and the domain level; blank = whole population",
  "#   level = factor level (proportion/total of stype; FALSE/TRUE for the logical), component of a joint mean, a:b for a covariance, or the probability for quantile",
  "#   statistic = estimate | se | var | cov | deff_wor (deff=TRUE: SRS without replacement, vsrs = svyvar*(N-n)/(N*n), N = sum of weights) | deff_wr (deff=\"replace\": vsrs = svyvar/n) | df (degf) | low, high (95% interval) | n",
  "#   value = R value with 17 significant digits; blank = R returned NA/NaN",
  "#   args = extra R arguments of the call (na.rm=TRUE; quantile qrule/interval.type; svyciprop method; domain df rule)",
  "# quantiles: svyquantile(~api00, design, quantiles=c(0.25,0.5,0.75), ci=TRUE) with the survey 4.x default qrule=\"math\" and interval.type=\"mean\" (Woodruff interval from svymean(x <= q) confint with df=degf(design)), se = (high-low)/(2*qt(0.975, df)); also qrule=\"hf7\"",
  paste0("# R errors/warnings: ", if (length(notes)) paste(notes, collapse = " | ") else "none"),
  paste0("# rows with NA values: ", if (length(na_rows)) paste(na_rows, collapse = " | ") else "none")
)
writeLines(header, out_csv)
suppressWarnings(write.table(tab, out_csv, append = TRUE, sep = ",", row.names = FALSE,
                             col.names = TRUE, quote = c(1:8, 10), qmethod = "double"))
cat(sprintf("wrote %s (%d rows)\n", out_csv, nrow(tab)))
cat(paste(notes, collapse = "\n"), "\n")
