# (6) update-side latency (collapse / hugetlb-unshare) per variant.
if (!exists("plotsdir")) plotsdir = "plots"
load plotsdir."/common.gp"
f = datadir."/update.dat"
set title "update-side latency per trigger event (median over runs)\n".tmachine noenhanced
set ylabel "latency (us, log scale)"
set xlabel "variant / trigger"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set xtics rotate by -20
set key noenhanced
set terminal png size 900,560
set output outdir."/6-update-side.png"
plot for [i=2:4] f using i:xtic(1) title columnhead(i)
set terminal svg size 900,560
set output outdir."/6-update-side.svg"
replot
