# R 'survey' reference values for lonely PSUs inside a domain (issue 11, D5):
# options(survey.adjust.domain.lonely = TRUE) with survey.lonely.psu "adjust" and "average",
# and the default (FALSE) for comparison. A domain "g" is made so that it has a single PSU
# in one stratum that has several: g = "a" for every school of type E and for the first
# school (or district) of type H, "b" otherwise.
#
# Usage (from the repository root):  Rscript tests/reference/design/make_domain_lonely.R
# Writes domain_lonely_reference.csv next to this script; the tests never call R.

suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
read <- function(name) read.csv(file.path(out_dir, paste0(name, ".csv")),
                                 colClasses = c(cds = "character"))
apistrat <- read("apistrat")
first_h <- which(apistrat$stype == "H")[1]
apistrat$g <- ifelse(apistrat$stype == "E", "a", "b")
apistrat$g[first_h] <- "a"
# the cluster version: the first H district's schools are "a"
first_dist <- apistrat$dnum[first_h]
apistrat$g2 <- ifelse(apistrat$stype == "E" |
                      (apistrat$stype == "H" & apistrat$dnum == first_dist), "a", "b")
num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
add <- function(design, option, rule, estimator, domain, quantity, value) {
  rows[[length(rows) + 1L]] <<- data.frame(design = design, adjust = option, rule = rule,
                                           estimator = estimator, domain = domain,
                                           quantity = quantity, value = num(value))
}
for (adj in c(FALSE, TRUE)) {
  for (rule in c("adjust", "average")) {
    options(survey.adjust.domain.lonely = adj, survey.lonely.psu = rule)
    des <- list(
      strat = list(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                             data = apistrat), ~g),
      strat_clus = list(svydesign(id = ~dnum, strata = ~stype, weights = ~pw,
                                  data = apistrat, nest = TRUE), ~g2)
    )
    for (d in names(des)) {
      design <- des[[d]][[1]]
      by <- des[[d]][[2]]
      for (est in c("mean", "total")) {
        f <- if (est == "mean") svymean else svytotal
        b <- suppressWarnings(svyby(~api00, by, design, f))
        for (dom in rownames(b)) {
          add(d, adj, rule, est, dom, "estimate", b[dom, 2])
          add(d, adj, rule, est, dom, "se", b[dom, 3])
        }
      }
    }
  }
}
out <- do.call(rbind, rows)
write_reference(out, "domain_lonely_reference.csv", "make_domain_lonely.R")
