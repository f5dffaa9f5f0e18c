# Included by every plot: defaults for the variables scripts/report passes
# with gnuplot -e (datadir, outdir, tmachine, tbase).
if (!exists("datadir")) datadir = "."
if (!exists("outdir")) outdir = "."
if (!exists("tmachine")) tmachine = "unknown kernel and machine"
if (!exists("tbase")) tbase = "baseline"
set encoding utf8
set key outside right top
set grid
