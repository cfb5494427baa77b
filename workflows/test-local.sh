#!/usr/bin/env bash
# Checks the Nextflow pipeline against a single-process run (issue 21, "how it is checked"):
#
#   workflows/test-local.sh CONFIG WORKDIR [nextflow run options for both pipeline runs, e.g. --max_cpus 2]
#
# 1. WORKDIR/single:   java -jar JAR run CONFIG --out WORKDIR/single
# 2. WORKDIR/nextflow: workflows/run-local.sh CONFIG WORKDIR/nextflow
# 3. WORKDIR/killed:   run-local.sh; the JVM of a running DE unit killed with SIGKILL (Nextflow retries it); then
#                      the whole run killed with SIGKILL (Nextflow and its running tasks, as a crashed node would
#                      be) once the first de.tsv exists; then run again with -resume
# 2 and 3 must give byte-identical de_summary.tsv, experimentwise_degs.tsv, every de.tsv and every file under
# enrich/ to 1. JAR: $COHORTEX_JAR, else target/cohortex.jar (run-local.sh builds it when absent).
# Ends with the line "test-local: N passed, N failed"; exit status 0 only when none failed.
set -uo pipefail

if [[ $# -lt 2 ]]; then echo "usage: $0 CONFIG WORKDIR [nextflow run options]" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
config=$(realpath "$1")
work=$(realpath -m "$2")
shift 2
jar=${COHORTEX_JAR:-$(dirname "$here")/target/cohortex.jar}
passed=0
failed=0
rm -rf "$work/single" "$work/nextflow" "$work/killed"
mkdir -p "$work"

# the tables the issue names, relative to an output folder, sorted
tables() {
    (cd "$1" && find . -path ./.nextflow-run -prune -o -type f \
        \( -name de_summary.tsv -o -name experimentwise_degs.tsv -o -name de.tsv -o -path '*/enrich/*' \) -print \
        | LC_ALL=C sort)
}

# compare NAME DIR: the tables of DIR against WORKDIR/single
compare() {
    local name=$1 dir=$2 ref="$work/single" n bad=0
    if ! diff <(tables "$ref") <(tables "$dir") > "$work/$name.files.diff"; then
        echo "FAIL $name: not the same set of tables as the single-process run ($work/$name.files.diff)"
        failed=$((failed + 1))
        return
    fi
    n=$(tables "$ref" | wc -l)
    while read -r f; do
        cmp -s "$ref/$f" "$dir/$f" || { echo "  differs: $f"; bad=$((bad + 1)); }
    done < <(tables "$ref")
    if [[ $n -eq 0 || $(tables "$ref" | grep -c '/de.tsv$') -eq 0 ]]; then
        echo "FAIL $name: the single-process run wrote no de.tsv"
        failed=$((failed + 1))
    elif [[ $bad -gt 0 ]]; then
        echo "FAIL $name: $bad of $n tables differ from the single-process run"
        failed=$((failed + 1))
    else
        echo "ok   $name: $n tables byte-identical to the single-process run"
        passed=$((passed + 1))
    fi
}

# 1. the reference
[[ -f $jar ]] || (cd "$(dirname "$here")" && mvn -q -B -Dstyle.color=never package -DskipTests) || exit 1
start=$(date +%s)
if ! java -jar "$jar" run "$config" --out "$work/single" > "$work/single.log" 2>&1; then
    echo "FAIL single-process run (log: $work/single.log)"; echo "test-local: 0 passed, 1 failed"; exit 1
fi
echo "single-process run: $(( $(date +%s) - start )) s"

# 2. the pipeline
start=$(date +%s)
if COHORTEX_JAR=$jar "$here/run-local.sh" "$config" "$work/nextflow" -ansi-log false "$@" > "$work/nextflow.log" 2>&1; then
    echo "nextflow run: $(( $(date +%s) - start )) s"
    compare nextflow "$work/nextflow"
else
    echo "FAIL nextflow run (log: $work/nextflow.log)"; failed=$((failed + 1))
fi

# 3. one unit's JVM killed mid-task (SIGKILL, as the out-of-memory killer would): Nextflow retries the unit (exit 137);
#    then the whole run killed (Nextflow and its tasks, as a crashed node would be) once the retry was scheduled and a
#    de.tsv exists; then the run again with -resume
COHORTEX_JAR=$jar setsid "$here/run-local.sh" "$config" "$work/killed" -ansi-log false "$@" > "$work/killed-1.log" 2>&1 &
pid=$!
victim=""
while kill -0 "$pid" 2> /dev/null && [[ -z $victim ]]; do
    victim=$(pgrep -g "$pid" -f -- 'java .*--unit de/' | head -n 1)
    [[ -n $victim ]] || sleep 0.1
done
if [[ -n $victim ]]; then
    unit=$(ps -o args= -p "$victim" | sed -n 's/.*--unit \([^ ]*\).*/\1/p')
    kill -KILL "$victim" 2> /dev/null && echo "killed the JVM of unit $unit (pid $victim) mid-task"
fi
while kill -0 "$pid" 2> /dev/null && ! { grep -q 'Execution is retried' "$work/killed-1.log" \
        && [[ -n $(find "$work/killed" -name de.tsv -print -quit 2> /dev/null) ]]; }; do
    sleep 0.2
done
if [[ -n $victim ]] && kill -0 "$pid" 2> /dev/null; then
    grep 'Execution is retried' "$work/killed-1.log" | sed 's/^/  nextflow: /'
    kill -KILL -- "-$pid"   # the whole process group: Nextflow and the tasks it was running
    wait "$pid" 2> /dev/null
    echo "killed the run (process group $pid) after the retry and the first de.tsv"
    if COHORTEX_JAR=$jar "$here/run-local.sh" "$config" "$work/killed" -ansi-log false -resume "$@" > "$work/killed-2.log" 2>&1; then
        log2=$work/killed-2.log
        echo "resumed: $(grep -c 'Cached process' "$log2") tasks cached, $(grep -c 'Submitted process' "$log2") run"
        compare killed-resumed "$work/killed"
    else
        echo "FAIL the -resume run after the kill (log: $work/killed-2.log)"; failed=$((failed + 1))
    fi
else
    wait "$pid"
    echo "FAIL killed-resumed: the run ended (status $?) before a unit and then the run could be killed mid-way"
    failed=$((failed + 1))
fi

echo "test-local: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
