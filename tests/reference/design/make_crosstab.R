# R 'survey' reference values for surveystats' design.crosstab and Crosstab.test
# (issue 11, deliverable 2): svychisq with every statistic, and the cell counts, cell
# shares, row shares and column shares of the table with their standard errors.
#
# Usage (from the repository root):
#     Rscript tests/reference/design/make_crosstab.R
# Writes crosstab_reference.csv next to this script: one row per design, table, test and
# quantity (and cell, for the table's estimates); and crosstab_distributions_reference.csv:
# the upper tails of R's pchisqsum and pFsum (method = "saddlepoint") that svychisq's
# "saddlepoint" and "lincom" call, on given weights, including points where R's saddle()
# gives NA and the Satterthwaite approximation is used instead.
#
# Data: tests/reference/design/api*.csv (export_api.R, R's data(api)); the held-out
# heldout_nhanes.csv (make_heldout_reference.R, R's data(nhanes)); the package's teaching
# samples surveystats/datasets/data/teaching/stratified.csv and cluster2.csv (cluster2 is
# the docstring's example).
# Derived columns (the Python tests derive them the same way):
#   api00_band = cut(api00, c(-Inf, 600, 700, 800, Inf), labels = c("low", "mid", "high",
#                "top")): a factor whose level order is not alphabetical;
#   comp.na    = comp.imp, NA where snum %% 7 == 0 (missing values, dropped by na.rm);
#   nhanes:    race, agecat and hichol as in make_heldout_reference.R (hichol has 745 NA).
# Designs:
#   strat      svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, apistrat)
#   clus1      svydesign(id=~dnum, weights=~pw, fpc=~fpc, apiclus1)
#   clus2      svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, apiclus2)
#   clus1_ps   postStratify(clus1, ~stype, pop.types)
#   strat_greg calibrate(strat, ~stype+api99, pop.greg)
#   clus1_jk1  as.svrepdesign(clus1, type="JK1")
#   pairs_brr  as.svrepdesign(pairs, type="BRR") (pairs: README.md)
#   nhanes     svydesign(id=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR, nest=TRUE, nhanes)
#   nhanes2_brr as.svrepdesign(<nhanes without PSU 3 of stratum 86>, type="BRR")
#   teach_strat svydesign(id=~1, strata=~region, weights=~weight, fpc=~fpc, stratified.csv)
#   teach_clus2 svydesign(id=~municipality+id, strata=~region, weights=~weight,
#               fpc=~fpc1+fpc2, nest=TRUE, cluster2.csv)
#
# How R computes what is recorded (survey 4.1.1, read from its source): see
# surveystats/design/_crosstab.py. In particular svychisq(statistic="lincom") calls
# CompQuadForm when that package is installed; Debian has no r-cran-compquadform, so this R
# warns ("Package 'CompQuadForm' not found, using saddlepoint approximation") and its
# "lincom" p-values are the saddlepoint ones. The header records whether it was installed.
# The tests only read the CSV; they never call R.

suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
repo <- normalizePath(file.path(out_dir, "..", "..", ".."))
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)

read <- function(name) read.csv(file.path(out_dir, paste0(name, ".csv")),
                                 colClasses = c(cds = "character"))
prepare_api <- function(d) {
  for (v in c("stype", "sch.wide", "comp.imp", "awards")) d[[v]] <- factor(d[[v]])
  d$api00_band <- cut(d$api00, c(-Inf, 600, 700, 800, Inf),
                      labels = c("low", "mid", "high", "top"))
  d$comp.na <- d$comp.imp
  d$comp.na[d$snum %% 7 == 0] <- NA
  d
}
apistrat <- prepare_api(read("apistrat"))
apiclus1 <- prepare_api(read("apiclus1"))
apiclus2 <- prepare_api(read("apiclus2"))
apiclus1_pairs <- subset(apiclus1, dnum != 815)
apiclus1_pairs$pair <- ceiling(match(apiclus1_pairs$dnum,
                                     sort(unique(apiclus1_pairs$dnum))) / 2)

nhanes <- read.csv(file.path(out_dir, "heldout_nhanes.csv"))
nhanes$race <- factor(nhanes$race)
nhanes$agecat <- factor(nhanes$agecat)
nhanes$hichol <- factor(nhanes$hichol)
nhanes2 <- nhanes[!(nhanes$SDMVSTRA == 86 & nhanes$SDMVPSU == 3), ]

teach <- read.csv(file.path(repo, "surveystats", "datasets", "data", "teaching",
                            "stratified.csv"))
teach$age_group <- factor(teach$age_group)
teach$trust_tv <- factor(teach$trust_tv)
teach2 <- read.csv(file.path(repo, "surveystats", "datasets", "data", "teaching",
                             "cluster2.csv"))
teach2$age_group <- factor(teach2$age_group)
teach2$trust_tv <- factor(teach2$trust_tv)

pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.greg <- c("(Intercept)" = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)

D <- list()
D$strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
D$clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
D$clus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
D$clus1_ps <- postStratify(D$clus1, ~stype, pop.types)
D$strat_greg <- calibrate(D$strat, ~stype + api99, pop.greg)
D$clus1_jk1 <- as.svrepdesign(D$clus1, type = "JK1")
D$pairs_brr <- as.svrepdesign(svydesign(id = ~dnum, strata = ~pair, weights = ~pw,
                                        data = apiclus1_pairs), type = "BRR")
D$nhanes <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                      data = nhanes)
D$nhanes2_brr <- as.svrepdesign(svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA,
                                          weights = ~WTMEC2YR, nest = TRUE, data = nhanes2),
                                type = "BRR")
D$teach_strat <- svydesign(id = ~1, strata = ~region, weights = ~weight, fpc = ~fpc,
                           data = teach)
D$teach_clus2 <- svydesign(id = ~municipality + id, strata = ~region, weights = ~weight,
                           fpc = ~fpc1 + fpc2, nest = TRUE, data = teach2)

api_tables <- list(c("stype", "comp.imp"), c("stype", "api00_band"), c("sch.wide", "awards"))
TABLES <- list(
  strat = c(api_tables, list(c("stype", "comp.na"))),
  clus1 = api_tables,
  clus2 = api_tables,
  clus1_ps = api_tables,
  strat_greg = api_tables,
  clus1_jk1 = c(api_tables, list(c("stype", "comp.na"))),
  pairs_brr = api_tables,
  nhanes = list(c("race", "agecat"), c("race", "hichol")),
  nhanes2_brr = list(c("race", "agecat"), c("race", "hichol")),
  teach_strat = list(c("age_group", "trust_tv")),
  teach_clus2 = list(c("age_group", "trust_tv"))
)
STATISTICS <- c("F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint")

num <- function(v) ifelse(is.na(v), "", sprintf("%.17g", as.numeric(v)))
rows <- list()
add <- function(design, row, col, test, quantity, row_level, col_level, value) {
  rows[[length(rows) + 1L]] <<- data.frame(
    design = design, row = row, col = col, test = test, quantity = quantity,
    row_level = row_level, col_level = col_level, value = num(value))
}

# the table's estimates: on the rows with both values (R's na.rm = TRUE)
add_cells <- function(dn, des, rv, cv) {
  keep <- !is.na(des$variables[[rv]]) & !is.na(des$variables[[cv]])
  dd <- subset(des, keep)
  dd <- update(dd, .r = factor(dd$variables[[rv]]), .c = factor(dd$variables[[cv]]))
  rl <- levels(dd$variables$.r)
  cl <- levels(dd$variables$.c)
  dd <- update(dd, .cell = interaction(.r, .c, sep = "|", drop = FALSE))
  m <- svymean(~.cell, dd)
  t <- svytotal(~.cell, dd)
  by_row <- svyby(~.c, ~.r, dd, svymean)
  by_col <- svyby(~.r, ~.c, dd, svymean)
  stopifnot(identical(as.character(by_row$.r), rl), identical(as.character(by_col$.c), cl),
            identical(names(by_row)[1 + seq_along(cl)], paste0(".c", cl)),
            identical(names(by_col)[1 + seq_along(rl)], paste0(".r", rl)))
  for (j in seq_along(cl)) for (i in seq_along(rl)) {
    k <- (j - 1) * length(rl) + i  # interaction(): row levels vary fastest
    add(dn, rv, cv, "", "count", rl[i], cl[j], coef(t)[k])
    add(dn, rv, cv, "", "count_se", rl[i], cl[j], SE(t)[k])
    add(dn, rv, cv, "", "share", rl[i], cl[j], coef(m)[k])
    add(dn, rv, cv, "", "share_se", rl[i], cl[j], SE(m)[k])
    # svyby's columns: the by variable, the k means, then their k SEs (named se..cNo on a
    # Taylor design, se1, se2, ... on a replicate design)
    add(dn, rv, cv, "", "row_share", rl[i], cl[j], by_row[i, 1 + j])
    add(dn, rv, cv, "", "row_share_se", rl[i], cl[j], by_row[i, 1 + length(cl) + j])
    add(dn, rv, cv, "", "col_share", rl[i], cl[j], by_col[j, 1 + i])
    add(dn, rv, cv, "", "col_share_se", rl[i], cl[j], by_col[j, 1 + length(rl) + i])
  }
}

lincom_warnings <- character()
for (dn in names(D)) {
  des <- D[[dn]]
  for (tb in TABLES[[dn]]) {
    rv <- tb[1]
    cv <- tb[2]
    add(dn, rv, cv, "", "degf", "", "", degf(des))
    add(dn, rv, cv, "", "nobs", "", "", nrow(des$variables))
    add_cells(dn, des, rv, cv)
    fml <- as.formula(paste0("~", rv, "+", cv))
    for (s in STATISTICS) {
      res <- withCallingHandlers(
        svychisq(fml, des, statistic = s),
        warning = function(w) {
          lincom_warnings <<- unique(c(lincom_warnings, conditionMessage(w)))
          invokeRestart("muffleWarning")
        })
      par <- res$parameter
      ndf <- if (is.null(par)) NA else if ("ndf" %in% names(par)) par[["ndf"]] else par[[1]]
      ddf <- if (!is.null(par) && "ddf" %in% names(par)) par[["ddf"]] else NA
      add(dn, rv, cv, s, "statistic", "", "", res$statistic)
      add(dn, rv, cv, s, "ndf", "", "", ndf)
      add(dn, rv, cv, s, "ddf", "", "", ddf)
      add(dn, rv, cv, s, "p_value", "", "", res$p.value)
    }
  }
}

out <- do.call(rbind, rows)
path <- file.path(out_dir, "crosstab_reference.csv")
con <- file(path, "w")
writeLines(c(
  sprintf("# tool: %s", R.version.string),
  sprintf("# packages: survey %s; CompQuadForm %s", packageVersion("survey"),
          if (requireNamespace("CompQuadForm", quietly = TRUE))
            as.character(packageVersion("CompQuadForm")) else "not installed"),
  "# script: tests/reference/design/make_crosstab.R",
  sprintf("# date: %s", format(Sys.Date())),
  sprintf("# warnings: %s", paste(lincom_warnings, collapse = " | ")),
  "# columns: design, row, col (the two variables), test (svychisq statistic; empty for the table's estimates), quantity, row_level, col_level (the cell), value (%.17g; empty = NA)"
), con)
write.csv(out, con, row.names = FALSE)
close(con)
cat("wrote", nrow(out), "rows to", path, "\n")

# the distributions behind "saddlepoint" and "lincom", on their own
dist <- list()
a <- c(2, 1, 0.5)
for (x in c(0.5, 3.5, 3.5003, 10, 40)) {
  dist[[length(dist) + 1L]] <- data.frame(
    fn = "pchisqsum", x = num(x), a = paste(a, collapse = ";"), ddf = "",
    p_value = num(survey:::pchisqsum(x, rep(1, 3), a, lower.tail = FALSE,
                                     method = "saddlepoint")),
    satterthwaite = num(survey:::pchisqsum(x, rep(1, 3), a, lower.tail = FALSE,
                                           method = "satterthwaite")))
}
for (ddf in c(10.7, 100)) for (x in c(0.5, 3.5, 10, 40)) {
  dist[[length(dist) + 1L]] <- data.frame(
    fn = "pFsum", x = num(x), a = paste(a, collapse = ";"), ddf = num(ddf),
    p_value = num(survey:::pFsum(x, rep(1, 3), a, ddf = ddf, lower.tail = FALSE,
                                 method = "saddlepoint")),
    satterthwaite = num(survey:::pFsum(x, rep(1, 3), a, ddf = ddf, lower.tail = FALSE,
                                       method = "satterthwaite")))
}
dist <- do.call(rbind, dist)
path <- file.path(out_dir, "crosstab_distributions_reference.csv")
con <- file(path, "w")
writeLines(c(
  sprintf("# tool: %s", R.version.string),
  sprintf("# packages: survey %s", packageVersion("survey")),
  "# script: tests/reference/design/make_crosstab.R",
  sprintf("# date: %s", format(Sys.Date())),
  "# columns: fn (survey:::pchisqsum or survey:::pFsum, method = 'saddlepoint', lower.tail = FALSE, df = 1 for each weight), x, a (the weights, ';'-separated), ddf (pFsum), p_value, satterthwaite (method = 'satterthwaite')"
), con)
write.csv(dist, con, row.names = FALSE)
close(con)
cat("wrote", nrow(dist), "rows to", path, "\n")
