# Export the California API data sets shipped with R's 'survey' package
# (data(api); documented in ?api) to CSV, so Python tests need no R.
#
# Usage (from the repository root):
#     Rscript tests/reference/design/export_api.R
# Writes apistrat.csv, apiclus1.csv, apiclus2.csv, apisrs.csv, apipop.csv
# next to this script. All columns are kept, in R's order; factors are
# written as their labels; NA is written as an empty field. Numbers are
# written with up to 17 significant digits so doubles (pw, fpc, avg.ed)
# round-trip exactly.

suppressPackageStartupMessages(library(survey))

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
out_dir <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference/design"

data(api)

export <- function(df, name) {
  out <- df
  for (nm in names(out)) {
    v <- out[[nm]]
    if (is.factor(v)) {
      out[[nm]] <- as.character(v)
    } else if (is.double(v)) {
      out[[nm]] <- ifelse(is.na(v), NA_character_, sprintf("%.17g", v))
      # shorter exact form when it round-trips (e.g. 757 rather than 757.00000000000000)
      short <- ifelse(is.na(v), NA_character_, sprintf("%.15g", v))
      ok <- !is.na(v) & as.numeric(short) == v
      out[[nm]][ok] <- short[ok]
    }
  }
  path <- file.path(out_dir, paste0(name, ".csv"))
  text_cols <- which(vapply(df, function(v) is.character(v) || is.factor(v), logical(1)))
  write.csv(out, path, row.names = FALSE, na = "", quote = unname(text_cols))
  # verify exact round trip
  back <- read.csv(path, stringsAsFactors = FALSE, na.strings = "",
                   colClasses = c(cds = "character"))
  for (nm in names(df)) {
    a <- df[[nm]]; b <- back[[nm]]
    a <- if (is.factor(a)) as.character(a) else as.vector(a)  # apiclus2$fpc2 is a 1-d array
    if (!identical(is.na(a), is.na(b)) || any(a[!is.na(a)] != b[!is.na(b)]))
      stop("round trip failed for ", name, "$", nm)
  }
  cat(sprintf("%s: %d rows x %d columns\n", path, nrow(df), ncol(df)))
}

export(apistrat, "apistrat")
export(apiclus1, "apiclus1")
export(apiclus2, "apiclus2")
export(apisrs, "apisrs")
export(apipop, "apipop")
