# Held-out R survey reference values: R survey's own example data sets that the project's
# other reference files do not use (yrbs, nhanes, mu284, fpc, hospital, scd, crowd,
# election_pps), each with the design of its R help page.
#
# Usage (from the repository root):
#     Rscript tests/reference/design/make_heldout_reference.R
# Writes heldout_<data>.csv (the data, with the derived columns used below) and
# heldout_reference.csv next to this script. The tests never call R.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
        survey.replicates.mse = FALSE)

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
out_dir <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference/design"
num <- function(v) ifelse(is.na(v), "", sprintf("%.17g", as.numeric(v)))

# ---------------------------------------------------------------------------------------
# Data (derived columns are computed here and exported, so Python reads the same values)
# ---------------------------------------------------------------------------------------
data(yrbs); data(nhanes); data(mu284); data(fpc); data(hospital); data(scd); data(crowd)
data(election)

yrbs$qn8y <- as.numeric(yrbs$qn8 == 1)                  # NA where qn8 is NA (6867 rows)
yrbs$region <- paste0("r", yrbs$stratum %/% 100)         # r1 / r2: groups of strata
yrbs$grade <- paste0("g", yrbs$stratum %% 10)            # g1..g4: cuts across strata

nhanes$agecat <- as.character(nhanes$agecat)             # "(0,19]" ... "(59,Inf]"
nhanes$race <- paste0("race", nhanes$race)
nhanes$sex <- ifelse(nhanes$RIAGENDR == 1, "male", "female")
nhanes$hichol <- nhanes$HI_CHOL                          # 0/1 with 745 NA
# BRR needs two PSUs per stratum: stratum 86 has three; drop its PSU 3 (210 rows)
nhanes2 <- nhanes[!(nhanes$SDMVSTRA == 86 & nhanes$SDMVPSU == 3), ]

mu284$big <- as.numeric(mu284$y1 > 45)
mu284$half <- ifelse(mu284$id1 %in% c(19, 45), "a", "b")  # a domain of whole PSUs
mu284$w <- (mu284$n1 / 5) * (mu284$n2 / 3)               # the weights the fpcs imply

fpc$frac <- fpc$nh / fpc$Nh                             # fpc as sampling fractions
fpc$big <- as.numeric(fpc$x > 5.5)
fpc$grp <- ifelse(fpc$psuid %% 2 == 1, "odd", "even")

hospital$large <- as.numeric(hospital$births > 1000)
hospital$ob <- paste0("ob", hospital$oblevel)

scd$fpc5 <- 5
scd$w <- 1
scd$survival <- scd$alive / scd$arrests

election_pps$County <- as.character(election_pps$County)
election_pps$bushwin <- as.numeric(election_pps$Bush > election_pps$Kerry)
election_pps$size <- ifelse(election_pps$TotPrecincts > 114, "large", "small")

write_data <- function(d, name) {  # doubles with 17 significant digits, text quoted
  is_text <- vapply(d, function(x) is.character(x) || is.factor(x), TRUE)
  for (v in names(d)[!is_text]) d[[v]] <- num(d[[v]])
  write.csv(d, file.path(out_dir, paste0("heldout_", name, ".csv")), row.names = FALSE,
            na = "", quote = which(is_text))
}
for (nm in c("yrbs", "nhanes", "mu284", "fpc", "hospital", "scd", "crowd")) {
  d <- get(nm)
  attributes(d)[setdiff(names(attributes(d)), c("names", "row.names", "class"))] <- NULL
  rownames(d) <- NULL
  write_data(d, nm)
}
write_data(election_pps, "election_pps")

# numbers must round-trip: write.csv uses 15 significant digits
stopifnot(all(read.csv(file.path(out_dir, "heldout_nhanes.csv"))$WTMEC2YR == nhanes$WTMEC2YR))
stopifnot(all(read.csv(file.path(out_dir, "heldout_yrbs.csv"))$weight == yrbs$weight))
stopifnot(all(read.csv(file.path(out_dir, "heldout_election_pps.csv"))$wt == election_pps$wt))
stopifnot(all(read.csv(file.path(out_dir, "heldout_hospital.csv"))$weighta == hospital$weighta))
stopifnot(all(read.csv(file.path(out_dir, "heldout_mu284.csv"))$w == mu284$w))

# ---------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------
rows <- list()
notes <- character(0)
add <- function(design, estimator, variable, statistic, value, by = "", domain = "",
                level = "", args = "") {
  value <- as.numeric(value)
  stopifnot(length(value) == 1L)
  rows[[length(rows) + 1L]] <<- data.frame(
    design = design, estimator = estimator, variable = variable, by = by,
    domain = as.character(domain), level = as.character(level), args = args,
    statistic = statistic, value = num(value), stringsAsFactors = FALSE)
  invisible(NULL)
}
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
add_stat <- function(id, estimator, variable, est, est_wr = NULL, levels = NULL,
                     args = "") {
  if (is.null(est)) return(invisible(NULL))
  cf <- coef(est)
  V <- as.matrix(vcov(est))
  lv <- if (is.null(levels)) rep("", length(cf)) else levels
  dwor <- if (!is.null(attr(est, "deff"))) diag(as.matrix(attr(est, "deff"))) else NULL
  dwr <- if (!is.null(est_wr) && !is.null(attr(est_wr, "deff")))
    diag(as.matrix(attr(est_wr, "deff"))) else NULL
  for (k in seq_along(cf)) {
    add(id, estimator, variable, "estimate", cf[k], level = lv[k], args = args)
    add(id, estimator, variable, "se", sqrt(V[k, k]), level = lv[k], args = args)
    if (!is.null(dwor)) add(id, estimator, variable, "deff_wor", dwor[k], level = lv[k], args = args)
    if (!is.null(dwr)) add(id, estimator, variable, "deff_wr", dwr[k], level = lv[k], args = args)
  }
  invisible(NULL)
}
fml <- function(v) as.formula(paste0("~", v))
ciprop_methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

# ---------------------------------------------------------------------------------------
# The battery: spec lists the variables of each kind for one design
#   means: numeric variables (svymean + svytotal, deff=TRUE and "replace"; na.rm=TRUE when
#          the variable has NA), factors: svymean/svytotal of a factor, ratio: c(num, den),
#   quant: svyquantile variable, ciprop: 0/1 variable for svyciprop, by: svyby variable
#   (svymean/svytotal of means[1], svyciprop in subsets), bymean: variable for svyby
# ---------------------------------------------------------------------------------------
battery <- function(id, d, spec) {
  lab <- function(s) paste(id, s)
  add(id, "degf", "", "df", degf(d))
  add(id, "nobs", "", "n", nrow(d))
  add(id, "sum_weights", "", "estimate", sum(weights(d, "sampling")))
  narm_of <- function(v) anyNA(d$variables[[v]])
  for (v in spec$means) {
    narm <- narm_of(v)
    a <- if (narm) "na.rm=TRUE" else ""
    for (fun in c("svymean", "svytotal")) {
      f <- get(fun)
      e1 <- attempt(lab(paste(fun, v)), f(fml(v), d, na.rm = narm, deff = TRUE))
      e2 <- attempt(lab(paste(fun, v)), f(fml(v), d, na.rm = narm, deff = "replace"))
      add_stat(id, sub("svy", "", fun), v, e1, e2, args = a)
      if (fun == "svymean" && !is.null(e1)) {
        ci <- confint(e1, df = degf(d))
        add(id, "mean", v, "low", ci[1], args = a)
        add(id, "mean", v, "high", ci[2], args = a)
      }
    }
  }
  for (v in spec$factors) {
    for (fun in c("svymean", "svytotal")) {
      f <- get(fun)
      e1 <- attempt(lab(paste(fun, v)), f(fml(paste0("factor(", v, ")")), d, deff = TRUE))
      e2 <- attempt(lab(paste(fun, v)), f(fml(paste0("factor(", v, ")")), d, deff = "replace"))
      lv <- sub(paste0("^factor\\(", v, "\\)"), "", names(coef(e1)))
      add_stat(id, if (fun == "svymean") "proportion" else "total", v, e1, e2, levels = lv)
    }
  }
  if (!is.null(spec$ratio)) {
    narm <- narm_of(spec$ratio[1]) || narm_of(spec$ratio[2])
    r <- attempt(lab("svyratio"), svyratio(fml(spec$ratio[1]), fml(spec$ratio[2]), d,
                                           na.rm = narm))
    if (!is.null(r)) {
      v <- paste(spec$ratio, collapse = "/")
      a <- if (narm) "na.rm=TRUE" else ""
      add(id, "ratio", v, "estimate", coef(r), args = a)
      add(id, "ratio", v, "se", SE(r), args = a)
    }
  }
  if (!is.null(spec$quant)) {
    for (qr in c("math", "hf7")) {
      q <- attempt(lab(paste("svyquantile", qr)),
                   svyquantile(fml(spec$quant), d, quantiles = c(0.1, 0.25, 0.5, 0.75, 0.9),
                               qrule = qr, ci = TRUE, interval.type = "mean"))
      if (is.null(q)) next
      tab <- q[[spec$quant]]
      a <- sprintf("qrule=\"%s\";interval.type=\"mean\"", qr)
      dfq <- degf(d)
      for (k in seq_len(nrow(tab))) {
        p <- rownames(tab)[k]
        add(id, "quantile", spec$quant, "estimate", tab[k, 1], level = p, args = a)
        add(id, "quantile", spec$quant, "low", tab[k, 2], level = p, args = a)
        add(id, "quantile", spec$quant, "high", tab[k, 3], level = p, args = a)
        add(id, "quantile", spec$quant, "se", (tab[k, 3] - tab[k, 2]) / (2 * qt(0.975, dfq)),
            level = p, args = a)
      }
    }
  }
  if (!is.null(spec$ciprop)) {
    v <- spec$ciprop
    narm <- narm_of(v)
    for (meth in ciprop_methods) {
      p <- attempt(lab(paste("svyciprop", meth)),
                   svyciprop(fml(v), d, method = meth, level = 0.95, na.rm = narm))
      if (is.null(p)) next
      a <- paste0("method=\"", meth, "\"", if (narm) ";na.rm=TRUE" else "")
      add(id, "ciprop", v, "estimate", coef(p), args = a)
      add(id, "ciprop", v, "low", attr(p, "ci")[1], args = a)
      add(id, "ciprop", v, "high", attr(p, "ci")[2], args = a)
    }
    # the likelihood interval solved exactly (svyciprop_formulas.md): KL(m||p) =
    # q^2 * n / (2 (n - 1) n_eff), n = nrow(design), q = qt(0.975, degf(design));
    # R itself reads the bounds off a spline through a coarse profile (see the header)
    m <- svymean(fml(v), d, na.rm = narm)
    mm <- unname(coef(m)); vv <- unname(vcov(m)[1, 1])
    if (vv > 0 && mm > 0 && mm < 1) {
      n <- nrow(d); q <- qt(0.975, degf(d))
      rhs <- q^2 * n / (2 * (n - 1) * (mm * (1 - mm) / vv))
      kl <- function(p) mm * log(mm / p) + (1 - mm) * log((1 - mm) / (1 - p)) - rhs
      lo <- uniroot(kl, c(1e-300, mm), tol = 1e-15)$root
      hi <- uniroot(kl, c(mm, 1 - 1e-16), tol = 1e-15)$root
      a <- paste0("method=\"likelihood\"", if (narm) ";na.rm=TRUE" else "")
      add(id, "ciprop", v, "low_exact", lo, args = a)
      add(id, "ciprop", v, "high_exact", hi, args = a)
    }
  }
  if (!is.null(spec$by)) {
    bv <- spec$by
    lvls <- sort(unique(d$variables[[bv]]))
    for (v in spec$bymean) {
      narm <- narm_of(v)
      a <- if (narm) "na.rm=TRUE" else ""
      for (fun in c("svymean", "svytotal")) {
        f <- get(fun)
        b1 <- attempt(lab(paste("svyby", fun, v)),
                      svyby(fml(v), fml(bv), d, f, na.rm = narm, deff = TRUE))
        b2 <- attempt(lab(paste("svyby", fun, v)),
                      svyby(fml(v), fml(bv), d, f, na.rm = narm, deff = "replace"))
        if (is.null(b1)) next
        est <- sub("svy", "", fun)
        for (k in seq_len(nrow(b1))) {
          lv <- as.character(b1[k, bv])
          add(id, est, v, "estimate", coef(b1)[k], bv, lv, args = a)
          add(id, est, v, "se", SE(b1)[k], bv, lv, args = a)
          add(id, est, v, "deff_wor", deff(b1)[k], bv, lv, args = a)
          if (!is.null(b2)) add(id, est, v, "deff_wr", b2[k, paste0("DEff.", v)], bv, lv, args = a)
        }
      }
    }
    for (lv in lvls) {
      sub_d <- d[d$variables[[bv]] == lv, ]
      add(id, "degf", "", "df", degf(sub_d), bv, lv, args = "degf(subset(design, by == domain))")
      if (!is.null(spec$ciprop)) {
        v <- spec$ciprop
        narm <- narm_of(v)
        for (meth in c("logit", "asin", "beta", "mean", "xlogit")) {
          p <- attempt(lab(paste("svyciprop subset", lv, meth)),
                       svyciprop(fml(v), sub_d, method = meth, level = 0.95, na.rm = narm))
          if (is.null(p)) next
          a <- paste0("method=\"", meth, "\"", if (narm) ";na.rm=TRUE" else "")
          add(id, "ciprop", v, "estimate", coef(p), bv, lv, args = a)
          add(id, "ciprop", v, "low", attr(p, "ci")[1], bv, lv, args = a)
          add(id, "ciprop", v, "high", attr(p, "ci")[2], bv, lv, args = a)
        }
      }
    }
  }
  invisible(NULL)
}

# ---------------------------------------------------------------------------------------
# Designs (the calls of each data set's R help page; ids used by the Python test)
# ---------------------------------------------------------------------------------------
D <- list()
S <- list()
D$yrbs <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = yrbs)
S$yrbs <- list(means = c("qn8y"), ciprop = "qn8y", by = "region", bymean = "qn8y",
               factors = "grade")
D$nhanes <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                      data = nhanes)
S$nhanes <- list(means = c("hichol", "RIAGENDR"), factors = c("agecat", "race"),
                 ciprop = "hichol", by = "agecat", bymean = "hichol",
                 ratio = c("hichol", "RIAGENDR"))
D$nhanes2 <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                       data = nhanes2)
S$nhanes2 <- list(means = "hichol", factors = "agecat", ciprop = "hichol", by = "race",
                  bymean = "hichol")
D$mu284 <- svydesign(id = ~id1 + id2, fpc = ~n1 + n2, data = mu284)
S$mu284 <- list(means = "y1", quant = "y1", ciprop = "big", by = "half", bymean = "y1",
                ratio = c("y1", "n2"))
D$mu284_wr <- svydesign(id = ~id1 + id2, weights = ~w, data = mu284)
S$mu284_wr <- S$mu284
D$fpc_n <- svydesign(weights = ~weight, ids = ~psuid, strata = ~stratid, fpc = ~Nh,
                     data = fpc, nest = TRUE)
S$fpc_n <- list(means = "x", quant = "x", ciprop = "big", by = "grp", bymean = "x")
D$fpc_implied <- svydesign(ids = ~psuid, strata = ~stratid, fpc = ~Nh, data = fpc, nest = TRUE)
S$fpc_implied <- S$fpc_n
D$fpc_frac <- svydesign(weights = ~weight, ids = ~psuid, strata = ~stratid, fpc = ~frac,
                        data = fpc, nest = TRUE)
S$fpc_frac <- S$fpc_n
D$fpc_nofpc <- svydesign(weights = ~weight, ids = ~psuid, strata = ~stratid, data = fpc,
                         nest = TRUE)
S$fpc_nofpc <- S$fpc_n
D$fpc_ids0 <- svydesign(weights = ~weight, ids = ~0, strata = ~stratid, fpc = ~Nh, data = fpc)
S$fpc_ids0 <- S$fpc_n
D$hospital <- svydesign(strata = ~oblevel, id = ~hospno, weights = ~weighta, fpc = ~tothosp,
                        data = hospital)
S$hospital <- list(means = "births", quant = "births", ciprop = "large", by = "ob",
                   bymean = "births")
D$scd <- svydesign(data = scd, weights = ~w, id = ~ambulance, strata = ~ESA, nest = TRUE,
                   fpc = ~fpc5)
S$scd <- list(means = c("alive", "arrests"), ratio = c("alive", "arrests"))
D$scd_nofpc <- svydesign(data = scd, weights = ~w, id = ~ambulance, strata = ~ESA, nest = TRUE)
S$scd_nofpc <- S$scd
D$crowd <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, data = crowd)
S$crowd <- list(means = c("rooms", "person"), ratio = c("person", "rooms"), quant = "rooms")
D$election <- svydesign(id = ~1, weights = ~wt, data = election_pps)
S$election <- list(means = c("Bush", "Kerry", "votes"), quant = "votes", ciprop = "bushwin",
                   by = "size", bymean = "votes", ratio = c("Bush", "votes"))

# replicate designs
R <- list()
R$yrbs_jkn <- as.svrepdesign(D$yrbs, type = "JKn")
R$nhanes_jkn <- as.svrepdesign(D$nhanes, type = "JKn")
R$nhanes2_brr <- as.svrepdesign(D$nhanes2, type = "BRR")
R$nhanes2_fay <- as.svrepdesign(D$nhanes2, type = "Fay", fay.rho = 0.5)
R$mu284_jk1 <- as.svrepdesign(D$mu284, type = "JK1")
R$fpc_n_jkn <- as.svrepdesign(D$fpc_n, type = "JKn")
R$fpc_nofpc_jkn <- as.svrepdesign(D$fpc_nofpc, type = "JKn")
R$hospital_jkn <- as.svrepdesign(D$hospital, type = "JKn")
R$scd_brr <- as.svrepdesign(D$scd_nofpc, type = "BRR")
R$crowd_brr <- as.svrepdesign(D$crowd, type = "BRR")
R$election_jk1 <- as.svrepdesign(D$election, type = "JK1")
rep_spec <- list(yrbs_jkn = "yrbs", nhanes_jkn = "nhanes", nhanes2_brr = "nhanes2",
                 nhanes2_fay = "nhanes2", mu284_jk1 = "mu284", fpc_n_jkn = "fpc_n",
                 fpc_nofpc_jkn = "fpc_nofpc", hospital_jkn = "hospital", scd_brr = "scd",
                 crowd_brr = "crowd", election_jk1 = "election")

# calibrated designs. nhanes: approximate US 2010 census counts by age and sex (the sex
# counts are the census's; the age counts are rounded and made to sum to the same total)
pop_sex <- data.frame(sex = c("female", "male"), Freq = c(156964212, 151781326))
pop_age <- data.frame(agecat = c("(0,19]", "(19,39]", "(39,59]", "(59,Inf]"),
                      Freq = c(83267556, 82137178, 85935779, 0))
pop_age$Freq[4] <- sum(pop_sex$Freq) - sum(pop_age$Freq[1:3])
C <- list()
C$nhanes_ps <- postStratify(D$nhanes, ~agecat, pop_age)
C$nhanes_rake <- rake(D$nhanes, list(~agecat, ~sex), list(pop_age, pop_sex),
                      control = list(maxit = 100, epsilon = 1e-8))
# election: the population is data(election), 4600 counties
pop_greg <- c("(Intercept)" = nrow(election), TotPrecincts = sum(election$TotPrecincts))
C$election_greg <- calibrate(D$election, ~TotPrecincts, pop_greg)
C$mu284_ps <- postStratify(D$mu284, ~half, data.frame(half = c("a", "b"), Freq = c(100, 150)))
cal_spec <- list(nhanes_ps = "nhanes", nhanes_rake = "nhanes", election_greg = "election",
                 mu284_ps = "mu284")

notes <- c(notes, "as.svrepdesign(mu284, type='JK1'): warning Finite population corrections after first stage have been dropped")
for (id in names(D)) battery(id, D[[id]], S[[id]])
for (id in names(R)) {
  battery(id, R[[id]], S[[rep_spec[[id]]]])
  add(id, "rep_scale", "", "scale", R[[id]]$scale)
  add(id, "n_replicates", "", "n", ncol(R[[id]]$repweights))
}
for (id in names(C)) battery(id, C[[id]], S[[cal_spec[[id]]]])
# the calibrated weights themselves (sums within categories: a compact check)
add("nhanes_rake", "weight_sum", "", "estimate", sum(weights(C$nhanes_rake)))
for (lv in pop_age$agecat) for (sx in pop_sex$sex) {
  keep <- nhanes$agecat == lv & nhanes$sex == sx
  add("nhanes_rake", "weight_sum", "", "estimate", sum(weights(C$nhanes_rake)[keep]),
      "agecat:sex", paste0(lv, ":", sx))
}

out <- do.call(rbind, rows)
out$case <- paste(out$design, out$estimator, out$variable, out$by, out$domain, out$level,
                  out$args, out$statistic, sep = "/")
stopifnot(!anyDuplicated(out$case))
txt <- c("case", "design", "estimator", "variable", "by", "domain", "level", "args",
         "statistic")
out <- out[, c(txt, "value")]
quote <- function(x) sprintf('"%s"', gsub('"', '""', x))
csv <- c(paste(quote(names(out)), collapse = ","),
         do.call(paste, c(lapply(out[txt], quote), list(out$value), sep = ",")))
path <- file.path(out_dir, "heldout_reference.csv")
writeLines(c(
  paste0("# tool: ", R.version.string),
  paste0("# packages: survey ", packageVersion("survey")),
  "# script: tests/reference/design/make_heldout_reference.R (data: heldout_<data>.csv written by the same script)",
  paste0("# generated: ", format(Sys.Date())),
  "# data: R survey's yrbs, nhanes, mu284, fpc, hospital, scd, crowd, election_pps with the derived columns of the script",
  "# options: survey.lonely.psu='fail', survey.replicates.mse=FALSE",
  "# quantiles: svyquantile(ci=TRUE, interval.type='mean'), se = (high - low) / (2 * qt(0.975, degf(design)))",
  "# svyby domain df: degf(design[by == domain, ]); svyciprop in domains on the same subset",
  "# mean low/high: confint(svymean(...), df = degf(design))",
  "# ciprop low_exact/high_exact: the svyciprop likelihood equation solved with uniroot (R's own low/high come from a spline through a coarse profile)",
  paste0("# R notes: ", if (length(notes)) "" else "none"),
  if (length(notes)) paste0("#   ", unique(notes)) else NULL,
  csv), path)
cat(sprintf("%d rows (%d non-NA) written to %s\n", nrow(out), sum(out$value != ""), path))
