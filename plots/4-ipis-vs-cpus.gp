# (4) sync IPIs per event reaching non-walking CPUs against the number of
# online (v)CPUs: a broadcast grows with it, a targeted IPI stays flat.
# Uses whatever results sets exist (tagged with cpus_online_count).
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/ipis-vs-cpus.dat"
stats f using 1 nooutput
nb = STATS_blocks
set title "sync IPIs per event to non-walking CPUs vs CPU count\n".tmachine noenhanced
set xlabel "online (v)CPUs"
set ylabel "sync IPIs per event (non-walking CPUs)"
set xrange [1:18]
set xtics (2, 4, 8, 16)
set yrange [0:*]
set key noenhanced
# sweep points whose run failed (scripts/report passes them): named, not drawn
if (exists("failnote")) set label 99 failnote at graph 0.02, graph 0.97 left font ",8" tc rgb "red" noenhanced
set terminal png size 900,560
set output outdir."/4-ipis-vs-cpus.png"
plot for [b=0:nb-1] f index b using 1:2 with linespoints pt 7 ps 1.5 title columnheader(1)
set terminal svg size 900,560
set output outdir."/4-ipis-vs-cpus.svg"
replot
