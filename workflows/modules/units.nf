/*
 * The one task every unit of a cohortex plan becomes: `java -jar cohortex.jar run CONFIG --unit ID --out OUTDIR`
 * (or `--finish`) in the shared output folder. main.nf includes UNIT once per unit kind (PRS, DECONVOLVE, IMPUTE,
 * CELLTYPE, DE, FINISH) and GPU_UNIT once per kind for the units whose plan entry says "gpu": true.
 *
 * Input tuple: kind, unit id, memory_mb from the plan, the unit's outputs and alternative outputs (absolute paths
 * in OUTDIR; the unit is done when all of either set exist: a DE analysis that cannot be fitted writes
 * not_fitted.txt instead of de.tsv and model.json), a fingerprint
 * of its plan entry, configuration, jar and raw inputs (main.nf), and the sorted "id=token" of its upstream units.
 * Everything in it enters Nextflow's task hash, so -resume re-runs a unit when its settings, inputs or any
 * upstream output changed; the jar's own key/skip rule then decides whether there is work to do.
 * Output: (id, token), the token being a digest of the path, size and mtime of every file of the set it wrote (as
 * Nextflow's own 'standard' cache mode fingerprints files); it is what downstream units wait on.
 */

process UNIT {
    label 'cohortex'
    tag "${id}"
    memory { unitMemory(memoryMb, task.attempt) }

    input:
    tuple val(kind), val(id), val(memoryMb), val(outputs), val(alternatives), val(fingerprint), val(upstream)

    output:
    tuple val(id), env(COHORTEX_TOKEN)

    script:
    unitCommand(kind, id, outputs, alternatives, task)
}

process GPU_UNIT {
    label 'cohortex'
    label 'gpu'
    tag "${id}"
    memory { unitMemory(memoryMb, task.attempt) }
    accelerator 1

    input:
    tuple val(kind), val(id), val(memoryMb), val(outputs), val(alternatives), val(fingerprint), val(upstream)

    output:
    tuple val(id), env(COHORTEX_TOKEN)

    script:
    unitCommand(kind, id, outputs, alternatives, task)
}

/** The plan's estimate, doubled on each retry (a retry follows a kill, e.g. for memory), capped by --max_memory_mb. */
def unitMemory(memoryMb, int attempt) {
    if (!memoryMb) return null
    long mb = (memoryMb as long) * attempt
    if (params.max_memory_mb) mb = Math.min(mb, params.max_memory_mb as long)
    return "${mb} MB"
}

/** Single-quotes a word for bash. */
def q(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'"
}

/** A path made absolute against the launch folder: the task runs in its own work folder, maybe on another node. */
def abs(Object s) {
    return java.nio.file.Paths.get(s.toString()).toAbsolutePath().normalize().toString()
}

/** `java [-Xmx] -jar JAR` or `java [-Xmx] -cp CLASSPATH org.cohortex.cli.Main` (--classpath: a build without its jar). */
def cohortexCommand(task) {
    def java = [params.java]
    // the heap gets heap_fraction of the task's memory; the rest is for the JVM itself and off-heap (GPU) buffers
    if (task.memory) java << "-Xmx${(long) (task.memory.toMega() * (params.heap_fraction as double))}m"
    if (params.java_opts) java << params.java_opts
    if (params.classpath) {
        def cp = (params.classpath as String).split(':').findAll { it }.collect { abs(it) }.join(':')
        return java + ['-cp', q(cp), 'org.cohortex.cli.Main']
    }
    return java + ['-jar', q(abs(params.jar))]
}

/**
 * The task's bash script: run the unit, check that all its outputs or all its alternative outputs exist, then set
 * COHORTEX_TOKEN over that set.
 */
def unitCommand(String kind, String id, List outputs, List alternatives, task) {
    def outdir = abs(params.outdir)
    def args = ['run', q(abs(params.config))]
    args += kind == 'finish' ? ['--finish'] : ['--unit', q(id)]
    args += ['--out', q(outdir), '--threads', task.cpus]
    def backend = task.ext.backend ?: params.backend
    if (backend) args += ['--backend', backend]
    def run = (cohortexCommand(task) + args).join(' ') + '\n'
    if (!outputs) return run + 'COHORTEX_TOKEN=none\n'
    def outs = outputs.collect { q(it) }.join(' ')
    def alts = alternatives.collect { q(it) }.join(' ')
    def missing = "cohortex unit ${id} ended without writing its outputs in ${outdir}" +
        (alternatives ? ' (nor its alternative outputs)' : '') + ':'
    def lines = ['cohortex_all() { for f in "$@"; do [ -e "$f" ] || return 1; done; }',
                 "if cohortex_all ${outs}; then",
                 "  cohortex_set=(${outs})"]
    if (alternatives) lines += ["elif cohortex_all ${alts}; then", "  cohortex_set=(${alts})"]
    lines += ['else',
              "  echo ${q(missing)} >&2",
              "  for f in ${outs} ${alts}; do [ -e \"\$f\" ] || echo \"  missing: \$f\" >&2; done",
              '  exit 1',
              'fi',
              'COHORTEX_TOKEN=$(find "${cohortex_set[@]}" -type f -printf \'%p %s %T@\\n\' | LC_ALL=C sort | sha256sum | cut -c1-32)']
    return run + lines.join('\n') + '\n'
}
