# R 'survey' reference values for surveystats' design.ttest and DesignEstimate.contrast
# (issue 11, deliverable 3): svyttest (one sample, two groups) and svycontrast.
#
# Usage (from the repository root):
#     Rscript tests/reference/design/make_ttest_contrast.R
# Writes ttest_contrast_reference.csv next to this script: one row per case and quantity.
# Data: tests/reference/design/api*.csv (export_api.R, the data of R's data(api)).
# Designs: strat = svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, apistrat);
#          clus1 = svydesign(id=~dnum, weights=~pw, fpc=~fpc, apiclus1);
#          clus1_jk1 = as.svrepdesign(clus1, type="JK1").
# The tests only read the CSV; they never call R.

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
apistrat$sch.wide <- factor(apistrat$sch.wide, levels = c("No", "Yes"))
apiclus1$sch.wide <- factor(apiclus1$sch.wide, levels = c("No", "Yes"))
apistrat$stype <- factor(apistrat$stype)
apiclus1$stype <- factor(apiclus1$stype)

designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
)
designs$clus1_jk1 <- as.svrepdesign(designs$clus1, type = "JK1")

num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
add <- function(case, design, quantity, value) {
  rows[[length(rows) + 1L]] <<- data.frame(case = case, design = design,
                                           quantity = quantity, value = num(value))
}
add_test <- function(case, design, tt) {
  add(case, design, "estimate", tt$estimate)
  add(case, design, "statistic", tt$statistic)
  add(case, design, "df", tt$parameter)
  add(case, design, "p_value", tt$p.value)
  add(case, design, "low", tt$conf.int[1])
  add(case, design, "high", tt$conf.int[2])
}
add_contrast <- function(case, design, con) {
  for (i in seq_along(coef(con))) {
    add(case, design, paste0("estimate_", i), coef(con)[i])
    add(case, design, paste0("se_", i), SE(con)[i])
  }
  if (length(coef(con)) > 1) add(case, design, "cov_1_2", vcov(con)[1, 2])
}

for (d in names(designs)) {
  des <- designs[[d]]
  # one sample: svyttest(y ~ 0) tests mean(y) = 0; mu = 600 through I(api00 - 600)
  add_test("one_sample_api00", d, svyttest(api00 ~ 0, des))
  add_test("one_sample_api00_mu600", d, svyttest(I(api00 - 600) ~ 0, des))
  # two groups: svyglm(api00 ~ sch.wide) on the design, the "Yes" minus "No" coefficient
  add_test("two_sample_api00_schwide", d, svyttest(api00 ~ sch.wide, des))
  add_test("two_sample_enroll_schwide", d, svyttest(enroll ~ sch.wide, des))
  # contrasts of a two-variable mean, of totals, and of domain means (full covariance)
  add_contrast("contrast_mean_api00_minus_api99", d,
               svycontrast(svymean(~api00 + api99, des), c(1, -1)))
  add_contrast("contrast_total_enroll_minus_api_stu", d,
               svycontrast(svytotal(~enroll + api.stu, des), c(1, -1)))
  by_type <- svyby(~api00, ~stype, des, svymean, covmat = TRUE)
  add_contrast("contrast_by_stype_two", d,
               svycontrast(by_type, list(EvH = c(1, -1, 0), MvsAvg = c(-0.5, -0.5, 1))))
}
# missing values dropped (R: svymean(..., na.rm = TRUE) and svyglm's na.omit)
add_test("one_sample_acs_k3_na", "strat", svyttest(acs.k3 ~ 0, designs$strat, na.rm = TRUE))
add_test("two_sample_acs_k3_schwide_na", "strat", svyttest(acs.k3 ~ sch.wide, designs$strat))

out <- do.call(rbind, rows)
write_reference(out, "ttest_contrast_reference.csv", "make_ttest_contrast.R")
