# R 'survey' reference values for surveystats' design.glm (issue 11, deliverables 1 and 7):
# svyglm coefficients, SEs, residual df, dispersion, confint, predict and regTermTest for
# every family on Taylor, replicate and calibrated designs, and on a held-out dataset
# (NHANES, R survey's data(nhanes): no other glm reference uses it).
#
# Usage (from the repository root):
#     Rscript tests/reference/design/make_glm.R
# Writes glm_reference.csv next to this script: one row per case, design and quantity.
# Data: tests/reference/design/api*.csv (export_api.R) and heldout_nhanes.csv
# (make_heldout_reference.R).
# Designs: strat = svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, apistrat);
#          clus2 = svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, apiclus2);
#          clus1_greg = calibrate(svydesign(id=~dnum, weights=~pw, fpc=~fpc, apiclus1),
#                                 ~stype + api99, pop.greg);
#          clus1_jk1 = as.svrepdesign(clus1, type="JK1"); strat_jkn = as.svrepdesign(strat,
#          type="JKn"); clus1_jk1_greg = calibrate(clus1_jk1, ~stype + api99, pop.greg);
#          nhanes = svydesign(id=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR, nest=TRUE).
# glm is iterative: every fit here (full sample and, through svyglm's `...`, every
# replicate) runs glm.control(epsilon = 1e-13, maxit = 100), so the references are the
# converged solutions, not R's default stopping point (epsilon 1e-8), which can differ from
# them by about 1e-9 relative in the coefficients. R's standard errors use the working
# weights of the iteration *before* the last (glm.fit keeps the weights of its last
# weighted least-squares step), which differ from those at the solution by the size of that
# last step; so every model is fitted twice, the second time started at the first fit's
# coefficients (`refit`), which leaves the coefficients as they are and makes the working
# weights those of the solution. The tests never call R.

suppressPackageStartupMessages(library(survey))
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else
  "tests/reference/design", "ref_io.R"))
out_dir <- ref_dir()
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)

read <- function(name) read.csv(file.path(out_dir, paste0(name, ".csv")),
                                 colClasses = c(cds = "character"))
apistrat <- read("apistrat"); apiclus1 <- read("apiclus1"); apiclus2 <- read("apiclus2")
apipop <- read("apipop")
for (nm in c("apistrat", "apiclus1", "apiclus2", "apipop")) {
  d <- get(nm)
  d$stype <- factor(d$stype, levels = c("E", "H", "M"))
  d$sch.wide <- factor(d$sch.wide, levels = c("No", "Yes"))
  assign(nm, d)
}
nhanes <- read.csv(file.path(out_dir, "heldout_nhanes.csv"))

ctl <- glm.control(epsilon = 1e-13, maxit = 100)
pop.greg <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
designs <- list(
  strat = strat,
  clus2 = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2),
  clus1_greg = calibrate(clus1, ~stype + api99, pop.greg),
  clus1_jk1 = as.svrepdesign(clus1, type = "JK1"),
  strat_jkn = as.svrepdesign(strat, type = "JKn")
)
designs$clus1_jk1_greg <- calibrate(designs$clus1_jk1, ~stype + api99, pop.greg)

num <- function(v) sprintf("%.17g", as.numeric(v))
rows <- list()
add <- function(case, design, quantity, value) {
  rows[[length(rows) + 1L]] <<- data.frame(case = case, design = design,
                                           quantity = quantity, value = num(value))
}
add_fit <- function(case, d, m, tests = list(), newdata = NULL) {
  s <- summary(m)
  b <- coef(m)
  for (i in seq_along(b)) {
    add(case, d, sprintf("coef_%d", i), b[i])
    add(case, d, sprintf("se_%d", i), SE(m)[i])
    add(case, d, sprintf("t_%d", i), s$coefficients[i, 3])
    add(case, d, sprintf("p_%d", i), s$coefficients[i, 4])
    ci <- confint(m)
    add(case, d, sprintf("low_%d", i), ci[i, 1])
    add(case, d, sprintf("high_%d", i), ci[i, 2])
  }
  v <- vcov(m)
  add(case, d, "cov_1_2", v[1, 2])
  add(case, d, "n_coef", length(b))
  add(case, d, "df_resid", m$df.residual)
  add(case, d, "dispersion", s$dispersion)
  add(case, d, "deviance", deviance(m))
  for (j in seq_along(tests)) {
    tt <- regTermTest(m, tests[[j]])
    add(case, d, sprintf("wald%d_F", j), tt$Ftest)
    add(case, d, sprintf("wald%d_df", j), tt$df)
    add(case, d, sprintf("wald%d_ddf", j), tt$ddf)
    add(case, d, sprintf("wald%d_p", j), tt$p)
  }
  if (!is.null(newdata)) {
    for (type in c("link", "response")) {
      pr <- predict(m, newdata = newdata, type = type)
      # the variances (SE() of a replicate design's prediction reads them as a matrix)
      v <- attr(pr, "var")
      se <- sqrt(if (is.matrix(v)) diag(v) else v)
      for (i in seq_along(pr)) {
        add(case, d, sprintf("pred_%s_%d", type, i), as.numeric(pr)[i])
        add(case, d, sprintf("predse_%s_%d", type, i), se[i])
      }
    }
  }
}

# fit twice: the second fit starts at the solution (see the header)
refit <- function(call) {
  m <- suppressWarnings(eval.parent(call))
  call$start <- coef(m)
  suppressWarnings(eval.parent(call))
}

newdata <- apipop[c(1, 200, 3000, 6000), ]
for (d in names(designs)) {
  des <- designs[[d]]
  add_fit("gaussian", d, refit(quote(svyglm(api00 ~ ell + meals + mobility + stype, des,
          control = ctl))),
          list(~ell + meals, "stype", ~1 + mobility), newdata)
  add_fit("binomial", d, refit(quote(svyglm(sch.wide ~ ell + meals + stype, des,
          family = binomial(), control = ctl))), list("stype", ~ell), newdata)
  add_fit("quasibinomial", d, refit(quote(svyglm(sch.wide ~ ell + meals + stype, des,
          family = quasibinomial(), control = ctl))), list("stype"))
  add_fit("poisson", d, refit(quote(svyglm(enroll ~ log(api99) + stype, des,
          family = poisson(), control = ctl))), list("stype"), newdata)
  add_fit("quasipoisson", d, refit(quote(svyglm(enroll ~ log(api99) + stype, des,
          family = quasipoisson(), control = ctl))), list("stype"))
  # an interaction term, tested in the other order of its parts
  add_fit("interaction", d, refit(quote(svyglm(api00 ~ ell * stype + meals, des,
          control = ctl))),
          list("stype:ell"))
  # missing values: acs.k3 is NA in some rows, dropped (na.omit)
  add_fit("missing", d, refit(quote(svyglm(api00 ~ acs.k3 + meals, des, control = ctl,
          na.action = na.omit))), list(~acs.k3))
}

# held out: NHANES, logistic regression of high cholesterol (745 missing values dropped)
nh <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                data = nhanes)
add_fit("nhanes_logit", "nhanes", refit(quote(svyglm(hichol ~ race + agecat + sex, nh,
        family = quasibinomial(), control = ctl, na.action = na.omit))),
        list("agecat", ~race + sex))

out <- do.call(rbind, rows)
write_reference(out, "glm_reference.csv", "make_glm.R")
