# (1) GUP-fast per-call latency percentiles per variant, log-scale x.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/percentiles.dat"
stats f using 0 nooutput
nv = STATS_columns - 2
set title "GUP-fast latency percentiles per variant\n".tmachine noenhanced
set xlabel "per-call latency (ns, log scale; median over runs)"
set ylabel "percentile"
set logscale x
set yrange [0.5:5.5]
set key noenhanced
set terminal png size 900,560
set output outdir."/1-latency-percentiles.png"
plot for [i=3:nv+2] f using i:1:ytic(2) with linespoints pt 7 title columnhead(i)
set terminal svg size 900,560
set output outdir."/1-latency-percentiles.svg"
replot
