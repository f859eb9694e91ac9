# R side of bench/engine_vs_r.py: surveillance::farringtonFlexible on every series of a CSV.
#
# Usage: Rscript bench/_r_farrington.R input.csv controls.R FIRST LAST out.csv
#   input.csv   series,t,observed (t from 1; every series covers 1..T)
#   controls.R  defines `controls`, a named list of farringtonFlexible control lists
#   FIRST LAST  monitored range (1-based, inclusive)
# Writes out.csv (preset,series,t,alarm,upperbound) and prints one line per preset:
#   TIMING <preset> <seconds spent inside farringtonFlexible>
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
input <- read.csv(args[1], colClasses = c("character", "integer", "numeric"))
source(args[2])
first <- as.integer(args[3]); last <- as.integer(args[4])
series <- unique(input$series)
# R ignores misspelled control entries silently: refuse them instead
known <- names(as.list(formals(farringtonFlexible)$control))[-1]
for (preset in names(controls)) {
  unknown <- setdiff(names(controls[[preset]]), known)
  if (length(unknown)) stop("unknown farringtonFlexible control(s) in ", preset, ": ", paste(unknown, collapse = ", "))
}
rows <- list()
for (preset in names(controls)) {
  ctrl <- c(controls[[preset]], list(range = first:last))
  elapsed <- 0
  for (s in series) {
    obs <- input$observed[input$series == s][order(input$t[input$series == s])]
    x <- sts(observed = obs, frequency = 52, start = c(2000, 1))
    tic <- proc.time()[["elapsed"]]
    r <- suppressWarnings(farringtonFlexible(x, control = ctrl))
    elapsed <- elapsed + proc.time()[["elapsed"]] - tic
    rows[[length(rows) + 1]] <- data.frame(preset = preset, series = s, t = first:last,
      alarm = as.integer(r@alarm[, 1]), upperbound = sprintf("%.10g", r@upperbound[, 1]))
  }
  cat(sprintf("TIMING %s %.6f\n", preset, elapsed))
}
write.csv(do.call(rbind, rows), args[5], row.names = FALSE, quote = FALSE)
