# (3) sync IPIs per trigger event per CPU on walker / trigger / RT / idle CPUs.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/ipis.dat"
set title "sync IPIs per page-table-freeing event, per CPU role\n".tmachine noenhanced
set ylabel "sync IPIs per event per CPU"
set xlabel "variant"
set yrange [0:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set key noenhanced
set terminal png size 900,560
set output outdir."/3-sync-ipis.png"
plot for [i=2:5] f using i:xtic(1) title columnhead(i)
set terminal svg size 900,560
set output outdir."/3-sync-ipis.svg"
replot
