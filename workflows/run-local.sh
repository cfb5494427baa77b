#!/usr/bin/env bash
# The study grid through Nextflow on this machine (local executor): workflows/README.md.
#
#   workflows/run-local.sh CONFIG OUTDIR [nextflow run options and --params, e.g. -resume --max_cpus 2]
#
# 1. Nextflow: io.nextflow:nextflow from Maven Central, resolved by workflows/nextflow-launcher/pom.xml into a
#    classpath file (cached; rebuilt when the pom changes or a jar is gone), run as nextflow.cli.Launcher with the
#    JVM flags of Nextflow's own launcher script, NXF_OFFLINE=true and no plugins: nothing is downloaded at run time.
# 2. The cohortex jar: $COHORTEX_JAR, else target/cohortex.jar of this repository (built when absent); or, with
#    $COHORTEX_CLASSPATH (a build's target/classes and its dependencies), `java -cp ... org.cohortex.cli.Main`.
# 3. The plan: `cohortex run CONFIG --plan RUNDIR/plan.json --out OUTDIR` (its paths are absolute, under OUTDIR).
# 4. nextflow run workflows/main.nf -profile local (or $COHORTEX_NF_PROFILE, e.g. local,gpu) in RUNDIR
#    (OUTDIR/.nextflow-run, or $COHORTEX_NF_RUNDIR), which holds Nextflow's work/, .nextflow/ (the -resume
#    cache), .nextflow.log and pipeline_info/trace.tsv; -resume must be given from the same RUNDIR, which this
#    script guarantees.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 CONFIG OUTDIR [-resume] [--max_cpus N] [--unit_cpus N] [other nextflow run options]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
config=$(realpath "$1")
outdir=$(realpath -m "$2")
shift 2
[[ -f $config ]] || { echo "$0: no configuration file $config" >&2; exit 2; }

# --- 1. Nextflow's classpath, built once ------------------------------------------------------------------
launcher=$here/nextflow-launcher
cache=$launcher/target
cpfile=$cache/classpath.txt
stale=0
if [[ ! -s $cpfile || $launcher/pom.xml -nt $cpfile ]]; then
    stale=1
else
    IFS=: read -r -a jars < "$cpfile" || true   # no newline at the end: read says 1
    for j in "${jars[@]}"; do [[ -f $j ]] || { stale=1; break; }; done
fi
if [[ $stale == 1 ]]; then
    echo "run-local: resolving Nextflow from Maven Central (once) ..." >&2
    mkdir -p "$cache"
    mvn -q -B -Dstyle.color=never -f "$launcher/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cpfile.tmp" >&2
    mv "$cpfile.tmp" "$cpfile"
fi

# --- 2. the cohortex jar (or classpath) ---------------------------------------------------------------------
if [[ -n ${COHORTEX_CLASSPATH:-} ]]; then
    IFS=: read -r -a entries <<< "$COHORTEX_CLASSPATH"
    cp=""
    for e in "${entries[@]}"; do [[ -n $e ]] && cp+="${cp:+:}$(realpath -m "$e")"; done   # Nextflow runs in RUNDIR
    cohortex=(java -cp "$cp" org.cohortex.cli.Main)
    software=(--classpath "$cp")
else
    jar=${COHORTEX_JAR:-$repo/target/cohortex.jar}
    if [[ ! -f $jar ]]; then
        echo "run-local: building $jar ..." >&2
        (cd "$repo" && mvn -q -B -Dstyle.color=never package -DskipTests) >&2
    fi
    jar=$(realpath "$jar")
    cohortex=(java -jar "$jar")
    software=(--jar "$jar")
fi

# --- 3. the plan --------------------------------------------------------------------------------------------
rundir=${COHORTEX_NF_RUNDIR:-$outdir/.nextflow-run}
mkdir -p "$rundir" "$outdir"
rundir=$(realpath "$rundir")
"${cohortex[@]}" run "$config" --plan "$rundir/plan.json.tmp" --out "$outdir"
mv "$rundir/plan.json.tmp" "$rundir/plan.json"

# --- 4. Nextflow, offline -----------------------------------------------------------------------------------
# the --add-opens list of Nextflow 24.10's launcher script (Java 11 to 22)
opens=()
for p in java.lang java.io java.nio java.net java.util java.util.concurrent.locks java.util.concurrent.atomic \
         java.nio.file.spi sun.nio.ch sun.nio.fs sun.net.www.protocol.http sun.net.www.protocol.https \
         sun.net.www.protocol.ftp sun.net.www.protocol.file jdk.internal.misc jdk.internal.vm java.util.regex; do
    opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
# class data sharing: the first run writes an archive of the classes Nextflow loads, later runs map it
# (about 1.5 s less start-up); keyed by the classpath, as the JVM ignores an archive made for another one
jsa=$cache/nextflow-$(cksum < "$cpfile" | cut -d' ' -f1).jsa
if [[ -s $jsa ]]; then cds=(-XX:SharedArchiveFile="$jsa"); else cds=(-XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=off); fi
export NXF_HOME=${NXF_HOME:-$cache/nxf-home}   # plugins/, secrets/, never the user's ~/.nextflow
export NXF_OFFLINE=true                           # no plugin download, no remote pipeline or config lookup
export NXF_PLUGINS_DEFAULT=false                  # no default plugins (nf-amazon etc.) are requested either
cd "$rundir"
# shellcheck disable=SC2086 # NXF_OPTS holds several JVM options, as for Nextflow's own launcher
exec java -Dfile.encoding=UTF-8 -Djava.awt.headless=true "${cds[@]}" ${NXF_OPTS:-} "${opens[@]}" -cp "$(cat "$cpfile")" \
    nextflow.cli.Launcher run "$here/main.nf" -profile "${COHORTEX_NF_PROFILE:-local}" \
    --config "$config" --outdir "$outdir" "${software[@]}" --plan "$rundir/plan.json" "$@"
