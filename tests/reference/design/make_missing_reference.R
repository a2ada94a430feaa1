# R survey reference values for missing data (issue 8, deliverable 2): svyciprop and
# svymean with na.rm = TRUE keep the whole design (a missing value puts its row outside
# the domain of the estimate), so df = degf(design) and Korn-Graubard's nrow(design) - 1
# are the full design's (or the domain's, for svyby).
#
# Usage (from the repository root, after export_api.R):
#     Rscript tests/reference/design/make_missing_reference.R
# Writes missing_reference.csv next to this script. The tests never call R.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
        survey.replicates.mse = FALSE)

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
out_dir <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference/design"
num <- function(v) ifelse(is.na(v), "", sprintf("%.17g", as.numeric(v)))

read_api <- function(name) {
  d <- read.csv(file.path(out_dir, paste0(name, ".csv")), colClasses = c(cds = "character"))
  d$stype <- factor(d$stype, levels = c("E", "H", "M"))
  d$y <- ifelse(d$snum %% 7 == 0, NA, d$api99)  # about one row in seven missing
  d$big <- d$y > 650
  d
}
clus1 <- read_api("apiclus1"); strat <- read_api("apistrat"); clus2 <- read_api("apiclus2")

designs <- list(
  clus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1),
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat),
  clus2 = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = clus2)
)
designs$clus1_jk1 <- as.svrepdesign(designs$clus1, type = "JK1")
designs$strat_jkn <- as.svrepdesign(designs$strat, type = "JKn")

rows <- character(0)
add <- function(design, what, domain, method, statistic, value) {
  rows <<- c(rows, sprintf('"%s","%s","%s","%s","%s",%s', design, what, domain, method,
                           statistic, num(unname(as.numeric(value)[1]))))
}
methods <- c("logit", "asin", "beta", "mean", "xlogit")
for (id in names(designs)) {
  d <- designs[[id]]
  add(id, "degf", "", "", "df", degf(d))
  add(id, "nrow", "", "", "n", nrow(d))
  m <- svymean(~y, d, na.rm = TRUE)
  ci <- confint(m, df = degf(d))
  add(id, "mean_y", "", "", "estimate", coef(m))
  add(id, "mean_y", "", "", "se", SE(m))
  add(id, "mean_y", "", "", "low", ci[1]); add(id, "mean_y", "", "", "high", ci[2])
  for (meth in methods) {
    p <- tryCatch(svyciprop(~big, d, method = meth, na.rm = TRUE), error = function(e) NULL)
    if (is.null(p)) next  # R's logit fails on some subsets (glm.fit: mu empty)
    add(id, "ciprop_big", "", meth, "estimate", coef(p))
    add(id, "ciprop_big", "", meth, "low", attr(p, "ci")[1])
    add(id, "ciprop_big", "", meth, "high", attr(p, "ci")[2])
  }
  for (lv in levels(d$variables$stype)) {
    sub <- subset(d, stype == lv)
    add(id, "degf", lv, "", "df", degf(sub))
    for (meth in c("beta", "logit", "mean", "xlogit")) {
      p <- tryCatch(svyciprop(~big, sub, method = meth, na.rm = TRUE),
                    error = function(e) NULL)
      if (is.null(p)) next
      add(id, "ciprop_big", lv, meth, "estimate", coef(p))
      add(id, "ciprop_big", lv, meth, "low", attr(p, "ci")[1])
      add(id, "ciprop_big", lv, meth, "high", attr(p, "ci")[2])
    }
  }
}
path <- file.path(out_dir, "missing_reference.csv")
writeLines(c(
  paste0("# tool: ", R.version.string),
  paste0("# packages: survey ", packageVersion("survey")),
  "# script: tests/reference/design/make_missing_reference.R (data: api*.csv from export_api.R)",
  paste0("# generated: ", format(Sys.Date())),
  "# y = api99 with NA where snum %% 7 == 0; big = y > 650; every call with na.rm = TRUE; domains are subset(design, stype == domain)",
  '"design","what","domain","method","statistic","value"',
  rows), path)
