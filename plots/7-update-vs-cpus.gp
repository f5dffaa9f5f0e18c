# (7) update-side latency per trigger event (p50, median over runs) against
# the number of online (v)CPUs, one line per variant and trigger: the
# broadcast's wait grows with the CPUs it waits for; rcu's grace period
# does not depend on them the same way. From a compare-kernels --cpus sweep.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/update-vs-cpus.dat"
stats f using 1 nooutput
nb = STATS_blocks
set title "update-side latency per event vs CPU count\n".tmachine noenhanced
set xlabel "online (v)CPUs"
set ylabel "trigger p50 per event (us, log scale)"
set logscale y
set xrange [1:18]
set xtics (2, 4, 8, 16)
set key noenhanced
# sweep points whose run failed (scripts/report passes them): named, not drawn
if (exists("failnote")) set label 99 failnote at graph 0.02, graph 0.97 left font ",8" tc rgb "red" noenhanced
set terminal png size 900,560
set output outdir."/7-update-vs-cpus.png"
plot for [b=0:nb-1] f index b using 1:2 with linespoints pt 7 ps 1.2 title columnheader(1)
set terminal svg size 900,560
set output outdir."/7-update-vs-cpus.svg"
replot
