# Reference outputs of R `surveillance` for the accord.analytics engine tests.
#
# Usage (from the repository root, needs R with the Debian package r-cran-surveillance):
#   Rscript scripts/r_reference.R tests/results
#
# Writes, into the given directory:
#   counts_<collection>.csv.gz      one row per series: series,c0,c1,... (NA = missing)
#   population_<collection>.csv.gz  same layout, only where a population is used
#   collections.csv                 collection, n_series, n_time, freq, start_date (for epochAsDate)
#   runs.csv                        run, collection, method, control (JSON), first_t, last_t (0-based)
#   out_<run>.csv.gz                series,t,alarm,upperbound,expected,score,pvalue,trend,phi
# and a README.md is maintained by hand next to them.
#
# Collections: the labelled weekly data sets shipped with surveillance (disProg -> sts),
# ha.sts (12 districts), a seeded simulation of 200 negative-binomial series with seasonality,
# trend, outbreaks, NAs and all-zero edge cases, and a smaller simulated collection with a
# population and calendar dates used to exercise the remaining control options.

suppressMessages(library(surveillance))
suppressMessages(library(parallel))

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "tests/results"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
ncores <- max(1L, parallel::detectCores())

num <- function(x) signif(x, 10)

write_gz <- function(df, name) {
  con <- gzfile(file.path(outdir, name), "w")
  write.csv(df, con, row.names = FALSE, na = "NA", quote = FALSE)
  close(con)
}

write_matrix <- function(m, name) {
  # m is time x series (sts layout); write series x time
  df <- data.frame(series = seq_len(ncol(m)) - 1L, t(m))
  names(df) <- c("series", paste0("c", seq_len(nrow(m)) - 1L))
  write_gz(df, name)
}

collections <- list()
runs <- list()

add_collection <- function(name, obs, pop = NULL, start_date = NA) {
  write_matrix(obs, paste0("counts_", name, ".csv.gz"))
  if (!is.null(pop)) write_matrix(pop, paste0("population_", name, ".csv.gz"))
  collections[[length(collections) + 1]] <<- data.frame(
    collection = name, n_series = ncol(obs), n_time = nrow(obs), freq = 52,
    start_date = as.character(start_date), has_population = !is.null(pop))
}

to_json <- function(ctrl) {
  parts <- vapply(names(ctrl), function(k) {
    v <- ctrl[[k]]
    val <- if (is.null(v)) "null" else if (is.character(v)) paste0('"', v, '"')
      else if (is.logical(v)) tolower(as.character(v))
      else if (length(v) > 1) paste0("[", paste(v, collapse = ","), "]")
      else as.character(v)
    paste0('"', k, '":', val)
  }, character(1))
  paste0("{", paste(parts, collapse = ","), "}")
}

# Split series across cores: each column is fitted independently by surveillance anyway.
run_columns <- function(stsObj, fun) {
  idx <- split(seq_len(ncol(stsObj)), cut(seq_len(ncol(stsObj)), min(ncores, ncol(stsObj)), labels = FALSE))
  parts <- mclapply(idx, function(cols) fun(stsObj[, cols]), mc.cores = ncores)
  parts
}

farrington_run <- function(run, collection, stsObj, ctrl, range) {
  ctrl$range <- range
  ctrl$glmWarnings <- FALSE
  parts <- run_columns(stsObj, function(s) {
    r <- farringtonFlexible(s, control = ctrl)
    list(alarm = r@alarm, upperbound = r@upperbound, expected = r@control$expected,
         score = r@control$score, pvalue = r@control$pvalue, trend = r@control$trend,
         phi = r@control$phiVector)
  })
  grab <- function(key) do.call(cbind, lapply(parts, function(p) unname(as.matrix(p[[key]]))))
  al <- grab("alarm")
  nS <- ncol(al)
  df <- data.frame(
    series = rep(seq_len(nS) - 1L, each = length(range)),
    t = rep(range - 1L, times = nS),
    alarm = as.integer(as.vector(al)),
    upperbound = num(as.vector(grab("upperbound"))),
    expected = num(as.vector(grab("expected"))),
    score = num(as.vector(grab("score"))),
    pvalue = num(as.vector(grab("pvalue"))),
    trend = as.integer(as.vector(grab("trend"))),
    phi = num(as.vector(grab("phi"))))
  write_gz(df, paste0("out_", run, ".csv.gz"))
  ctrl$range <- NULL
  ctrl$glmWarnings <- NULL
  runs[[length(runs) + 1]] <<- data.frame(run = run, collection = collection, method = "farrington",
    control = to_json(ctrl), first_t = min(range) - 1L, last_t = max(range) - 1L)
  cat("done", run, "\n")
}

ears_run <- function(run, collection, stsObj, method, range = NULL) {
  ctrl <- list(method = method, baseline = 7, minSigma = 0)  # alpha left to R's per-method default
  if (!is.null(range)) ctrl$range <- range
  r <- earsC(stsObj, control = ctrl)
  rng <- r@control$range
  nS <- ncol(stsObj)
  df <- data.frame(
    series = rep(seq_len(nS) - 1L, each = length(rng)),
    t = rep(rng - 1L, times = nS),
    alarm = as.integer(as.vector(r@alarm)),
    upperbound = num(as.vector(r@upperbound)))
  write_gz(df, paste0("out_", run, ".csv.gz"))
  ctrl$range <- NULL
  ctrl$alpha <- r@control$alpha
  runs[[length(runs) + 1]] <<- data.frame(run = run, collection = collection, method = "ears",
    control = to_json(ctrl), first_t = min(rng) - 1L, last_t = max(rng) - 1L)
  cat("done", run, "\n")
}

farrington_preset <- list(b = 5, w = 3, noPeriods = 1, weightsThreshold = 1,
  pastWeeksNotIncluded = 3, pThresholdTrend = 0.05, thresholdMethod = "delta")
noufaily_preset <- list(b = 5, w = 3, noPeriods = 10, weightsThreshold = 2.58,
  pastWeeksNotIncluded = 26, pThresholdTrend = 1, thresholdMethod = "nbPlugin")
with_b <- function(ctrl, b) { ctrl$b <- b; ctrl }
modify <- function(ctrl, ...) modifyList(ctrl, list(...), keep.null = TRUE)

# ---- 1. labelled data sets shipped with surveillance (209 weeks each: b = 3) ----
set_names <- c("k1", "m1", "m2", "m3", "m4", "m5", "n1", "n2", "q1_nrwh", "q2", "s1", "s2", "s3", "h1_nrwrp")
obs <- sapply(set_names, function(d) {
  e <- new.env(); data(list = d, envir = e); as.vector(observed(disProg2sts(get(d, envir = e))))
})
sets <- sts(observed = obs, frequency = 52, start = c(2001, 1))
add_collection("sets", obs)
rng_sets <- (52 * 3 + 3 + 1):nrow(obs)
farrington_run("sets_farrington", "sets", sets, with_b(farrington_preset, 3), rng_sets)
farrington_run("sets_noufaily", "sets", sets, with_b(noufaily_preset, 3), rng_sets)
for (m in c("C1", "C2", "C3")) ears_run(paste0("sets_ears_", m), "sets", sets, m)

# ---- 2. ha.sts (290 weeks x 12 districts, population fractions) ----
data("ha.sts")
ha <- ha.sts
add_collection("ha", observed(ha), population(ha))
rng_ha <- (52 * 5 + 3 + 1):nrow(observed(ha))
farrington_run("ha_farrington", "ha", ha, farrington_preset, rng_ha)
farrington_run("ha_noufaily", "ha", ha, noufaily_preset, rng_ha)
for (m in c("C1", "C2", "C3")) ears_run(paste0("ha_ears_", m), "ha", ha, m)

# ---- 3. simulated negative-binomial series ----
set.seed(20240611)
nS <- 200; nT <- 370
tt <- seq_len(nT)
sim <- matrix(0, nT, nS)
for (i in seq_len(nS)) {
  base <- exp(runif(1, -1.5, 4))
  amp <- runif(1, 0, 1.2)
  phase <- runif(1, 0, 52)
  slope <- if (runif(1) < 0.5) 0 else runif(1, -0.003, 0.004)
  mu <- base * exp(amp * cos(2 * pi * (tt - phase) / 52) + slope * (tt - nT / 2))
  y <- if (runif(1) < 0.3) rpois(nT, mu) else rnbinom(nT, mu = mu, size = runif(1, 0.8, 15))
  for (o in seq_len(rpois(1, 3))) {
    s0 <- sample(nT, 1); len <- sample(1:4, 1); idx <- s0:min(nT, s0 + len - 1)
    y[idx] <- y[idx] + rpois(length(idx), mu[idx] * runif(1, 1.5, 5) + 1)
  }
  sim[, i] <- y
}
sim[, 1] <- 0                                        # all zero: R gives NA (no convergence)
sim[1:300, 2] <- 0; sim[301:nT, 2] <- rpois(nT - 300, 4)  # zero history, cases now
for (i in 3:8) sim[sample(nT, round(0.02 * nT)), i] <- NA  # a few missing values
storage.mode(sim) <- "double"
simSts <- sts(observed = sim, frequency = 52, start = c(2010, 1))
add_collection("sim", sim)
rng_sim <- (nT - 103):nT
farrington_run("sim_farrington", "sim", simSts, farrington_preset, rng_sim)
farrington_run("sim_noufaily", "sim", simSts, noufaily_preset, rng_sim)
for (m in c("C1", "C2", "C3")) ears_run(paste0("sim_ears_", m), "sim", simSts, m, rng_sim)

# ---- 4. options: population offset, calendar dates and the other control parameters ----
set.seed(20240612)
nS <- 30; nT <- 330
tt <- seq_len(nT)
pop <- matrix(0, nT, nS); opt <- matrix(0, nT, nS)
for (i in seq_len(nS)) {
  pop[, i] <- round(runif(1, 2e4, 5e5) * (1 + runif(1, -0.001, 0.003) * tt))
  rate <- exp(runif(1, -9, -6))
  mu <- pop[, i] * rate * exp(runif(1, 0, 1) * sin(2 * pi * tt / 52 + runif(1, 0, 6)))
  y <- rnbinom(nT, mu = mu, size = runif(1, 1, 20))
  for (o in seq_len(rpois(1, 3))) {
    s0 <- sample(nT, 1); idx <- s0:min(nT, s0 + 2)
    y[idx] <- y[idx] + rpois(length(idx), 2 * mu[idx] + 2)
  }
  opt[, i] <- y
}
storage.mode(opt) <- "double"
start_date <- as.Date("2014-01-06")
optSts <- sts(observed = opt, frequency = 52, start = c(2014, 1), population = pop)
optDates <- sts(observed = opt, frequency = 52, epoch = seq(start_date, by = "week", length.out = nT),
  population = pop)
add_collection("opt", opt, pop, start_date)
rng_opt <- (nT - 51):nT
farrington_run("opt_default", "opt", optSts, list(), rng_opt)
farrington_run("opt_population", "opt", optSts, modify(farrington_preset, populationOffset = TRUE), rng_opt)
farrington_run("opt_sqrt", "opt", optSts, modify(farrington_preset, powertrans = "1/2"), rng_opt)
farrington_run("opt_none", "opt", optSts, modify(farrington_preset, powertrans = "none"), rng_opt)
farrington_run("opt_muan", "opt", optSts, modify(noufaily_preset, thresholdMethod = "muan"), rng_opt)
farrington_run("opt_noreweight", "opt", optSts, modify(farrington_preset, reweight = FALSE), rng_opt)
farrington_run("opt_notrend", "opt", optSts, modify(noufaily_preset, trend = FALSE), rng_opt)
farrington_run("opt_periods4", "opt", optSts,
  list(b = 3, w = 2, noPeriods = 4, thresholdMethod = "delta", pThresholdTrend = 0.1), rng_opt)
farrington_run("opt_alpha", "opt", optSts, modify(farrington_preset, alpha = 0.01, limit54 = c(3, 2)), rng_opt)
farrington_run("opt_dates", "opt", optDates, farrington_preset, rng_opt)
farrington_run("opt_dates_noufaily", "opt", optDates, noufaily_preset, rng_opt)
farrington_run("opt_noufaily_pop", "opt", optSts, modify(noufaily_preset, populationOffset = TRUE), rng_opt)

write.csv(do.call(rbind, collections), file.path(outdir, "collections.csv"), row.names = FALSE)
write.csv(do.call(rbind, runs), file.path(outdir, "runs.csv"), row.names = FALSE)
cat("R", R.version$major, ".", R.version$minor, " surveillance ", as.character(packageVersion("surveillance")),
    " ", format(Sys.Date()), "\n", sep = "", file = file.path(outdir, "VERSIONS.txt"))
