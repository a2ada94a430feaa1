# Generate R reference values for the surveystats proportion-interval engine.
#
# Usage (from the repository root):
#     Rscript tests/reference/make_proportion_ci.R
# Writes tests/reference/proportion_ci_r.csv next to this script.
# Needs R with the 'survey' package (Debian: r-base-core r-cran-survey).
# The tests only read the CSV; they never call R.

suppressPackageStartupMessages(library(survey))

script_rel <- "tests/reference/make_proportion_ci.R"
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
out_dir <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference"
out_csv <- file.path(out_dir, "proportion_ci_r.csv")

num <- function(v) ifelse(is.na(v) & !is.nan(v), "", sprintf("%.17g", v))

rows <- list()
add_row <- function(source, case, method_r, x = NA, n, estimate, var = NA,
                    n_eff = NA, df = NA, level, low, high) {
  rows[[length(rows) + 1L]] <<- data.frame(
    source = source, case = case, method_r = method_r,
    x = num(x), n = num(n), estimate = num(estimate), var = num(var),
    n_eff = num(n_eff), df = num(df), confidence_level = num(level),
    low = num(low), high = num(high), stringsAsFactors = FALSE)
}
skipped <- character(0)

# ---------------------------------------------------------------------------
# 1. binom.test (Clopper-Pearson) and prop.test (Wilson, with/without Yates)
# ---------------------------------------------------------------------------
grid <- list(c(0, 10), c(1, 10), c(5, 10), c(10, 10), c(1, 1), c(0, 1),
             c(3, 50), c(25, 50), c(1120, 1600), c(880, 1600), c(176, 1600),
             c(999, 1000), c(1, 1000))

for (xn in grid) {
  x <- xn[1]; n <- xn[2]
  case <- sprintf("x%d_n%d", as.integer(x), as.integer(n))
  for (lev in c(0.95, 0.90, 0.99)) {
    bt <- binom.test(x, n, conf.level = lev)
    add_row("binom.test", case, "binom.test", x = x, n = n,
            estimate = unname(bt$estimate), level = lev,
            low = bt$conf.int[1], high = bt$conf.int[2])
  }
  for (lev in c(0.95, 0.90)) {
    for (corr in c(TRUE, FALSE)) {
      meth <- if (corr) "prop.test_correct" else "prop.test_nocorrect"
      pt <- tryCatch(suppressWarnings(prop.test(x, n, conf.level = lev, correct = corr)),
                     error = function(e) e)
      if (inherits(pt, "error")) {
        skipped <- c(skipped, sprintf("%s %s level=%s: %s", meth, case, lev,
                                      conditionMessage(pt)))
        next
      }
      # With the default null p = 0.5, prop.test shrinks the Yates term to
      # min(0.5, |x - n/2|), which is 0 when x == n/2.
      case_pt <- if (corr && abs(x - n * 0.5) < 0.5) paste0(case, "_halfnull") else case
      add_row("prop.test", case_pt, meth, x = x, n = n,
              estimate = unname(pt$estimate), level = lev,
              low = pt$conf.int[1], high = pt$conf.int[2])
    }
  }
}

# ---------------------------------------------------------------------------
# 2. svyciprop on the api data
# ---------------------------------------------------------------------------
data(api)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)

designs <- list(
  dstrat = dstrat,
  dclus1 = dclus1,
  dclus2 = dclus2,
  dclus1_E = subset(dclus1, stype == "E"),
  dclus1_M = subset(dclus1, stype == "M"),
  dstrat_H = subset(dstrat, stype == "H"),
  dclus2_E = subset(dclus2, stype == "E")
)
variables <- list(
  schwide = quote(I(sch.wide == "Yes")),
  compimp = quote(I(comp.imp == "Yes")),
  stypeH = quote(I(stype == "H"))
)
# Domain x variable pairs to run (full designs get all three variables).
# In a stype domain the stypeH indicator is constant (m = 0 or 1); one such
# degenerate case is kept on purpose (suffix _m0) to document R's behaviour.
pairs <- list()
for (d in c("dstrat", "dclus1", "dclus2")) for (v in names(variables)) pairs[[length(pairs) + 1L]] <- c(d, v)
for (d in c("dclus1_E", "dclus1_M", "dstrat_H", "dclus2_E")) for (v in c("schwide", "compimp"))
  pairs[[length(pairs) + 1L]] <- c(d, v)
pairs[[length(pairs) + 1L]] <- c("dclus1_E", "stypeH")

all_methods <- eval(formals(svyciprop)$method)   # every method this survey version knows
for (p in pairs) {
  des <- designs[[p[1]]]
  var_expr <- variables[[p[2]]]
  fml <- eval(bquote(~.(var_expr)))
  sm <- eval(bquote(svymean(~as.numeric(.(var_expr)), des)))
  m <- unname(coef(sm)[1])
  v <- unname(vcov(sm)[1, 1])
  n_eff <- m * (1 - m) / v
  nr <- nrow(des)
  dfd <- degf(des)
  case <- paste(p[1], p[2], sep = "_")
  if (p[2] == "stypeH" && m == 0) case <- paste0(case, "_m0")
  for (lev in c(0.95, 0.90)) {
    for (meth in all_methods) {
      ci <- tryCatch(suppressWarnings(svyciprop(fml, des, method = meth, level = lev)),
                     error = function(e) e)
      if (inherits(ci, "error")) {
        skipped <- c(skipped, sprintf("svyciprop %s %s level=%s: %s", meth, case, lev,
                                      conditionMessage(ci)))
        next
      }
      lim <- unname(attr(ci, "ci"))
      add_row("svyciprop", case, meth, x = NA, n = nr, estimate = m, var = v,
              n_eff = n_eff, df = dfd, level = lev, low = lim[1], high = lim[2])
    }
  }
}

# ---------------------------------------------------------------------------
# 3. Write
# ---------------------------------------------------------------------------
out <- do.call(rbind, rows)
header <- c(
  sprintf("# tool: %s", R.version.string),
  sprintf("# packages: survey %s", as.character(packageVersion("survey"))),
  sprintf("# script: %s", script_rel),
  sprintf("# generated: %s", format(Sys.Date(), "%Y-%m-%d")),
  paste("# columns: source = R function; case = id (x<count>_n<trials>, or <design>[_<domain>]_<variable>;",
        "_halfnull = prop.test Yates term is 0 because x = n/2; _m0 = degenerate estimate 0);",
        "method_r = R method name; x = count (binom/prop.test only); n = trials or nrow(design);",
        "estimate = x/n or svymean estimate; var = svymean variance; n_eff = estimate*(1-estimate)/var;",
        "df = degf(design); confidence_level; low/high = interval from R (17 significant digits, blank = not applicable)"),
  if (length(skipped)) paste("# skipped (R error):", paste(skipped, collapse = " | "))
)
con <- file(out_csv, "w")
writeLines(header, con)
write.table(out, con, sep = ",", quote = FALSE, row.names = FALSE, col.names = TRUE, na = "")
close(con)
cat(sprintf("wrote %d rows to %s\n", nrow(out), out_csv))
