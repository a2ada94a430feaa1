# Shared by the reference generators of issue 11 (make_ttest_contrast.R, make_qrules.R,
# make_domain_lonely.R, make_sdr_supplied.R, make_brr_large.R): where they write, and the
# CSV they write (three header lines naming R, the survey version and the script).

# the folder of the calling script (Rscript --file=...), or the repository path
ref_dir <- function() {
  file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else "tests/reference/design"
}

# write `out` to `name` in ref_dir(), after the header lines
write_reference <- function(out, name, script) {
  path <- file.path(ref_dir(), name)
  con <- file(path, "w")
  writeLines(c(sprintf("# tool: %s", R.version.string),
               sprintf("# packages: survey %s", packageVersion("survey")),
               sprintf("# script: tests/reference/design/%s", script)), con)
  write.csv(out, con, row.names = FALSE)
  close(con)
  cat("wrote", nrow(out), "rows to", path, "\n")
}
