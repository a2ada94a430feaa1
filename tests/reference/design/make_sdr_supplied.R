# R 'survey' reference values for supplied successive-difference replicate weights
# (issue 11, D4): svrepdesign(type = "successive-difference"), scale 4/R, with mse = TRUE
# (the ACS formula, around the full-sample estimate) and mse = FALSE.
# The replicate columns are those of repweights_clus1_jk1.csv (any (n, R) weights serve to
# check the variance formula). Usage: Rscript tests/reference/design/make_sdr_supplied.R
suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
d <- read.csv(file.path(out_dir, "apiclus1.csv"), colClasses = c(cds = "character"))
reps <- read.csv(file.path(out_dir, "repweights_clus1_jk1.csv"), colClasses = c(cds = "character"))
stopifnot(identical(reps$cds, d$cds))
d <- cbind(d, reps[, -1])
num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
for (mse in c(TRUE, FALSE)) {
  des <- svrepdesign(data = d, repweights = "rep[0-9]+", weights = ~pw,
                     type = "successive-difference", combined.weights = TRUE, mse = mse)
  m <- svymean(~api00, des)
  t <- svytotal(~enroll, des, na.rm = TRUE)
  b <- svyby(~api00, ~stype, des, svymean)
  rows[[length(rows) + 1]] <- data.frame(
    mse = mse, quantity = c("mean_api00", "se_mean_api00", "total_enroll", "se_total_enroll",
                            paste0("se_mean_api00_", rownames(b)), "degf"),
    value = num(c(coef(m), SE(m), coef(t), SE(t), b[, 3], degf(des))))
}
out <- do.call(rbind, rows)
write_reference(out, "sdr_supplied_reference.csv", "make_sdr_supplied.R")
