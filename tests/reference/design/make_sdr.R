# R 'survey' reference values for successive-difference replicates made from a design
# (issue 11, D4): SurveyDesign.to_replicate("sdr"). R survey does not build SDR weights, so
# this script builds them from the published formula (Fay and Train 1995; the ACS, U.S.
# Census Bureau 2014, ch. 12), independently of the Python code, and gives them to
# svrepdesign(type = "successive-difference", mse = TRUE): scale 4/R.
#
# The construction: the PSUs in their sort order k = 0, ..., n - 1 (the order they first
# appear, or by a sort column with ties in that order); H = 2 * hadamard(R - 1) - 1, the
# normalised +-1 Hadamard matrix of order R, with its first row negated; PSU k takes rows
# a = k mod R and b = ((k + 1) mod n) mod R (1-based below: + 1), and its factor in
# replicate r is 1 + 2^(-3/2) * lambda * (H[a, r] - H[b, r]), lambda = sqrt(1 - n_h/N_h) of
# its stratum (1 without an fpc). Every row of the PSU gets the PSU's factor.
#
# Cases (data from the api*.csv files beside this script):
#   srs_16        apisrs, weights pw, no fpc, R = 16 (200 PSUs: rows reused cyclically)
#   strat_80      apistrat, strata stype, fpc (varies by stratum), R = 80, data order
#   clus1_80      apiclus1, clusters dnum, fpc, R = 80, sort by dnum (15 PSUs < R)
#   strat_clus_64 apistrat, strata stype, clusters dnum (nested), weights pw, R = 64,
#                 sort by dnum (162 PSUs; the same dnum in two strata is a tie)
# Usage: Rscript tests/reference/design/make_sdr.R
suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
read_api <- function(name) read.csv(file.path(out_dir, paste0(name, ".csv")),
                                    colClasses = c(cds = "character"))
num <- function(v) sprintf("%.17g", as.numeric(v))

# factors per PSU: pos = 0-based position of each PSU in the sort order, lambda per PSU
sdr_factors <- function(pos, R, lambda) {
  H <- 2 * hadamard(R - 1) - 1
  stopifnot(nrow(H) == R, all(H %*% t(H) == R * diag(R)))
  H[1, ] <- -H[1, ]
  n <- length(pos)
  a <- pos %% R + 1
  b <- ((pos + 1) %% n) %% R + 1
  1 + 2^(-3/2) * lambda * (H[a, , drop = FALSE] - H[b, , drop = FALSE])
}

# psu: PSU id of every row; sort: NULL or a column constant within PSUs; strata, fpc: per row
case_weights <- function(d, psu, R, w, sort = NULL, strata = NULL, fpc = NULL) {
  psus <- unique(psu)                      # PSUs in order of first appearance
  first <- match(psus, psu)                # first row of each
  key <- if (is.null(sort)) seq_along(psus) else d[[sort]][first]
  ord <- order(key, seq_along(psus))       # sort order, ties by first appearance
  pos <- integer(length(psus))
  pos[ord] <- seq_along(psus) - 1L
  lambda <- rep(1, length(psus))
  if (!is.null(fpc)) {
    n_h <- tapply(psu, strata, function(x) length(unique(x)))
    lambda <- as.numeric(sqrt(1 - n_h[as.character(strata[first])] / fpc[first]))
  }
  Fp <- sdr_factors(pos, R, lambda)
  w * Fp[match(psu, psus), , drop = FALSE]
}

srs <- read_api("apisrs")
strat <- read_api("apistrat")
clus1 <- read_api("apiclus1")
cases <- list(
  srs_16 = list(data = srs, rep = case_weights(srs, seq_len(nrow(srs)), 16, srs$pw)),
  strat_80 = list(data = strat, rep = case_weights(strat, seq_len(nrow(strat)), 80,
                                                   strat$pw, strata = strat$stype,
                                                   fpc = strat$fpc)),
  clus1_80 = list(data = clus1, rep = case_weights(clus1, clus1$dnum, 80, clus1$pw,
                                                   sort = "dnum", strata = rep(1, nrow(clus1)),
                                                   fpc = clus1$fpc)),
  strat_clus_64 = list(data = strat, rep = case_weights(strat, paste(strat$stype, strat$dnum),
                                                        64, strat$pw, sort = "dnum"))
)

rows <- list()
for (id in names(cases)) {
  d <- cases[[id]]$data
  W <- cases[[id]]$rep
  des <- svrepdesign(data = d, repweights = W, weights = ~pw, type = "successive-difference",
                     combined.weights = TRUE, mse = TRUE)
  m <- svymean(~api00, des)
  tt <- svytotal(~enroll, des)
  r <- svyratio(~api00, ~api99, des)
  b <- svyby(~api00, ~stype, des, svymean)
  rows[[length(rows) + 1]] <- data.frame(
    case = id,
    quantity = c("n_replicates", "scale", "degf", "mean_api00", "se_mean_api00",
                 "total_enroll", "se_total_enroll", "ratio_api00_api99",
                 "se_ratio_api00_api99", paste0("se_mean_api00_", rownames(b)),
                 paste0("sum_weights_rep", seq_len(ncol(W)))),
    value = num(c(ncol(W), des$scale, degf(des), coef(m), SE(m), coef(tt), SE(tt),
                  coef(r), SE(r), b[, 3], colSums(W))))
}
out <- do.call(rbind, rows)
write_reference(out, "sdr_reference.csv", "make_sdr.R")
