# R 'survey' reference values for BRR and Fay replicates when strata have more than two PSUs
# (issue 11, D4): as.svrepdesign(type = "BRR" / "Fay", large = "split" / "merge"), R's
# brrweights. Design: apiclus1's 15 districts as PSUs, grouped into strata by sorted district
# number: 4 "a", 2 "b", 6 "c", 3 "d" (odd, so "merge" only); "split" uses a, b, c.
# Writes brr_large_reference.csv (SEs, degf) and brr_large_weights_<case>.csv (the analysis
# weights, data order). Usage: Rscript tests/reference/design/make_brr_large.R
suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
d <- read.csv(file.path(out_dir, "apiclus1.csv"), colClasses = c(cds = "character"))
districts <- sort(unique(d$dnum))
group <- rep(c("a", "b", "c", "d"), c(4, 2, 6, 3))
d$s <- group[match(d$dnum, districts)]
num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
for (large in c("split", "merge")) {
  dd <- if (large == "split") d[d$s != "d", ] else d
  des <- svydesign(id = ~dnum, strata = ~s, weights = ~pw, data = dd)
  for (type in c("BRR", "Fay")) {
    rep <- if (type == "BRR") as.svrepdesign(des, type = "BRR", large = large)
           else as.svrepdesign(des, type = "Fay", fay.rho = 0.3, large = large)
    case <- paste0(tolower(type), "_", large)
    m <- svymean(~api00, rep)
    t <- svytotal(~enroll, rep)
    rows[[length(rows) + 1]] <- data.frame(
      case = case, quantity = c("se_mean_api00", "se_total_enroll", "degf", "replicates",
                                "scale"),
      value = num(c(SE(m), SE(t), degf(rep), ncol(weights(rep, "analysis")), rep$scale)))
    w <- weights(rep, "analysis")
    write.csv(data.frame(cds = dd$cds, w), file.path(out_dir, paste0("brr_large_weights_", case, ".csv")),
              row.names = FALSE)
  }
}
out <- do.call(rbind, rows)
write_reference(out, "brr_large_reference.csv", "make_brr_large.R")
