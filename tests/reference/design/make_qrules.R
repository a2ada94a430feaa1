# R 'survey' reference values for every quantile rule of svyquantile (issue 11, D5):
# qrule = "math", "school", "shahvaish", "hf1" ... "hf9", with Woodruff intervals
# (interval.type = "mean", the default), on a stratified, a cluster and a JK1 design, for the
# whole design and by domain (svyby). Also weights that make shahvaish's positions
# non-monotone (R's formula uses w/2, not wbar/2; approx() then sorts and averages ties).
#
# Usage (from the repository root):  Rscript tests/reference/design/make_qrules.R
# Writes qrules_reference.csv next to this script; the tests never call R.

suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)
read <- function(name) read.csv(file.path(out_dir, paste0(name, ".csv")),
                                 colClasses = c(cds = "character"))
apistrat <- read("apistrat")
apiclus1 <- read("apiclus1")
designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
)
designs$clus1_jk1 <- as.svrepdesign(designs$clus1, type = "JK1")
# a small design with very unequal weights and ties (shahvaish's quirk, hf3's ties)
small <- data.frame(y = c(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8),
                    w = c(10, 300, 20, 5, 80, 1, 60, 15, 200, 40, 7, 90))
designs$small <- svydesign(id = ~1, weights = ~w, data = small)

rules <- c("math", "school", "shahvaish", paste0("hf", 1:9))
probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
add <- function(design, rule, domain, p, quantity, value) {
  rows[[length(rows) + 1L]] <<- data.frame(design = design, rule = rule, domain = domain,
                                           p = p, quantity = quantity, value = num(value))
}
for (d in names(designs)) {
  des <- designs[[d]]
  var <- if (d == "small") ~y else ~api00
  for (qr in rules) {
    q <- svyquantile(var, des, quantiles = probs, qrule = qr, ci = TRUE)
    ci <- q[[1]]
    for (i in seq_along(probs)) {
      add(d, qr, "", probs[i], "estimate", ci[i, 1])
      add(d, qr, "", probs[i], "low", ci[i, 2])
      add(d, qr, "", probs[i], "high", ci[i, 3])
    }
    if (d != "small") {
      b <- svyby(var, ~stype, des, svyquantile, quantiles = c(0.25, 0.5), qrule = qr,
                 ci = TRUE, keep.var = TRUE)
      for (s in rownames(b)) {
        add(d, qr, s, 0.25, "estimate", b[s, 2])
        add(d, qr, s, 0.5, "estimate", b[s, 3])
      }
    }
  }
}
# Woodruff interval types (interval.type): the share's interval on another scale
for (d in c("strat", "clus1", "clus1_jk1")) {
  des <- designs[[d]]
  for (it in c("beta", "xlogit", "asin")) {
    for (qr in c("math", "hf7")) {
      q <- svyquantile(~api00, des, quantiles = probs, qrule = qr, ci = TRUE,
                       interval.type = it)
      ci <- q[[1]]
      tag <- paste0(qr, ";", it)
      for (i in seq_along(probs)) {
        add(d, tag, "", probs[i], "low", ci[i, 2])
        add(d, tag, "", probs[i], "high", ci[i, 3])
      }
      b <- svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, qrule = qr,
                 ci = TRUE, keep.var = TRUE, interval.type = it)
      for (s in rownames(b)) add(d, tag, s, 0.5, "se", b[s, 3])
    }
  }
}
# the replicate variance of the quantile itself (interval.type = "quantile", R's repCI)
designs$strat_jkn <- as.svrepdesign(designs$strat, type = "JKn")
for (d in c("clus1_jk1", "strat_jkn")) {
  des <- designs[[d]]
  for (qr in c("math", "hf7", "school")) {
    q <- suppressWarnings(svyquantile(~api00, des, quantiles = probs, qrule = qr, ci = TRUE,
                                      interval.type = "quantile"))
    ci <- q[[1]]
    tag <- paste0(qr, ";quantile")
    for (i in seq_along(probs)) {
      add(d, tag, "", probs[i], "low", ci[i, 2])
      add(d, tag, "", probs[i], "high", ci[i, 3])
    }
    b <- suppressWarnings(svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5,
                                qrule = qr, ci = TRUE, keep.var = TRUE,
                                interval.type = "quantile"))
    for (s in rownames(b)) add(d, tag, s, 0.5, "se", b[s, 3])
  }
}
out <- do.call(rbind, rows)
write_reference(out, "qrules_reference.csv", "make_qrules.R")
