# (5) cyclictest wake-up latency histograms per variant (beside the
# walkers), log-scale y.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/cyclictest.dat"
stats f using 1 nooutput
nb = STATS_blocks
set title "cyclictest latency on the RT CPU, walkers running (key: rtla osnoise where it ran)\n".tmachine noenhanced
set xlabel "wake-up latency (us)"
set ylabel "cycles (log scale)"
set logscale y
set logscale x
set key noenhanced
set terminal png size 900,560
set output outdir."/5-cyclictest.png"
plot for [b=0:nb-1] f index b using 1:2 with steps title columnheader(1)
set terminal svg size 900,560
set output outdir."/5-cyclictest.svg"
replot
