# Reference output of surveillance::glrnb for accord.analytics.glrnb.
#
# Usage (from the repository root):  Rscript scripts/r_reference_glrnb.R
# Writes tests/results/glrnb_input.csv (series,t,observed; t from 1) and
# tests/results/glrnb_expected.csv (config,series,t,alarm,upperbound,mu0,alpha).
# The configurations are listed in tests/results/glrnb_configs.csv (one row per config, the
# control list as R code) so the Python test can rebuild each GlrnbControl.
suppressPackageStartupMessages(library(surveillance))
stopifnot(packageVersion("surveillance") >= "1.20")
set.seed(20240611)

n_time <- 156L # three years of weekly counts
first <- 105L  # monitor the third year; years 1-2 are phase-1 data for mu0
t <- seq_len(n_time)

# six series: different levels, seasonality, dispersion and some sustained outbreaks
make <- function(level, amp, size, shift_at = NA, shift = 1) {
  mu <- level * exp(amp * sin(2 * pi * t / 52) + 0.3 * amp * cos(2 * pi * t / 52))
  if (!is.na(shift_at)) mu[t >= shift_at & t < shift_at + 10] <- mu[t >= shift_at & t < shift_at + 10] * shift
  rnbinom(n_time, mu = mu, size = size)
}
obs <- cbind(
  make(8, 0.6, 3, 120, 2.5),
  make(2, 0.3, 1.5),
  make(25, 0.4, 8, 130, 1.8),
  make(0.8, 0.5, 2, 140, 4),
  make(12, 0.0, 4),
  make(5, 0.8, 1, 110, 3)
)
n_series <- ncol(obs)

configs <- list(
  default       = list(c.ARL = 5),
  poisson       = list(c.ARL = 5, alpha = 0),
  nb_fixed_M    = list(c.ARL = 4, alpha = 0.3, M = 26, Mtilde = 2),
  poisson_M     = list(c.ARL = 5, alpha = 0, M = 20),
  poisson_cases = list(c.ARL = 5, alpha = 0, ret = "cases"),
  nb_dec        = list(c.ARL = 3, alpha = 0.2, dir = "dec"),
  lr_theta      = list(c.ARL = 5, theta = log(2)),
  trend_S2      = list(c.ARL = 5, mu0 = list(S = 2, trend = TRUE))
)

input <- data.frame(series = rep(seq_len(n_series), each = n_time),
                    t = rep(t, n_series), observed = as.vector(obs))
write.csv(input, "tests/results/glrnb_input.csv", row.names = FALSE)

rows <- list()
for (name in names(configs)) {
  for (i in seq_len(n_series)) {
    s <- sts(observed = obs[, i], frequency = 52, start = c(2020, 1))
    control <- c(list(range = first:n_time), configs[[name]])
    res <- suppressMessages(suppressWarnings(glrnb(s, control = control)))
    rows[[length(rows) + 1]] <- data.frame(
      config = name, series = i, t = first:n_time,
      alarm = as.integer(alarms(res)[, 1]),
      upperbound = sprintf("%.10g", upperbound(res)[, 1]),
      mu0 = sprintf("%.10g", res@control$mu0),
      alpha = sprintf("%.10g", res@control$alpha)
    )
  }
}
write.csv(do.call(rbind, rows), "tests/results/glrnb_expected.csv", row.names = FALSE, quote = FALSE)
write.csv(data.frame(config = names(configs),
                     control = vapply(configs, function(x) paste(deparse(x), collapse = ""), "")),
          "tests/results/glrnb_configs.csv", row.names = FALSE)
cat("wrote tests/results/glrnb_{input,expected,configs}.csv\n")
