# (2) GUP-fast p50 overhead in % against the baseline with its 95% CI
# (Hodges-Lehmann / Mann-Whitney), per variant, grouped by architecture.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/overhead.dat"
stats f using 0 nooutput
ng = (STATS_columns - 1) / 3
set title "GUP-fast p50 latency change vs ".tbase." (95% CI)\n".tmachine noenhanced
set ylabel "change in p50 latency (%)"
set xlabel "variant"
set style data histograms
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.5 border -1
set boxwidth 0.9
set xzeroaxis lt -1
set key noenhanced below
# the y range always includes 0, so a bar's length is the change
ylo = 0; yhi = 0
do for [g=0:ng-1] {
  stats f using (column(3+3*g)) nooutput
  if (STATS_records > 0 && STATS_min < ylo) { ylo = STATS_min }
  stats f using (column(4+3*g)) nooutput
  if (STATS_records > 0 && STATS_max > yhi) { yhi = STATS_max }
}
pad = (yhi - ylo) * 0.1 + 0.1
set yrange [ylo - (ylo < 0 ? pad : 0) : yhi + (yhi > 0 ? pad : 0)]
set terminal png size 900,560
set output outdir."/2-overhead.png"
plot for [g=0:ng-1] f using (column(2+3*g)):(column(3+3*g)):(column(4+3*g)):xtic(1) title columnhead(2+3*g)
set terminal svg size 900,560
set output outdir."/2-overhead.svg"
replot
if (exists("dumb")) {
  set terminal dumb 72,24
  set output outdir."/2-overhead.txt"
  replot
}
