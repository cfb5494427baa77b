/*
 * The one task every unit of a cohortex plan becomes: `java -jar cohortex.jar run CONFIG --unit ID --out OUTDIR`
 * (or `--finish`) in the shared output folder. main.nf includes UNIT once per unit kind (PRS, DECONVOLVE, IMPUTE,
 * DE, FINISH) and GPU_UNIT once per kind for the units whose plan entry says "gpu": true.
 *
 * Input tuple: kind, unit id, memory_mb from the plan, the unit's output paths (relative to OUTDIR), a fingerprint
 * of its plan entry, configuration, jar and raw inputs (main.nf), and the sorted "id=token" of its upstream units.
 * Everything in it enters Nextflow's task hash, so -resume re-runs a unit when its settings, inputs or any
 * upstream output changed; the jar's own key/skip rule then decides whether there is work to do.
 * Output: (id, token), the token being a digest of the path, size and mtime of every file the unit wrote (as
 * Nextflow's own 'standard' cache mode fingerprints files); it is what downstream units wait on.
 */

process UNIT {
    label 'cohortex'
    tag "${id}"
    memory { unitMemory(memoryMb, task.attempt) }

    input:
    tuple val(kind), val(id), val(memoryMb), val(outputs), val(fingerprint), val(upstream)

    output:
    tuple val(id), env(COHORTEX_TOKEN)

    script:
    unitCommand(kind, id, outputs, task)
}

process GPU_UNIT {
    label 'cohortex'
    label 'gpu'
    tag "${id}"
    memory { unitMemory(memoryMb, task.attempt) }
    accelerator 1

    input:
    tuple val(kind), val(id), val(memoryMb), val(outputs), val(fingerprint), val(upstream)

    output:
    tuple val(id), env(COHORTEX_TOKEN)

    script:
    unitCommand(kind, id, outputs, task)
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

/** The task's bash script: run the unit, check that its outputs exist, then set COHORTEX_TOKEN. */
def unitCommand(String kind, String id, List outputs, task) {
    def java = [params.java]
    // the heap gets heap_fraction of the task's memory; the rest is for the JVM itself and off-heap (GPU) buffers
    if (task.memory) java << "-Xmx${(long) (task.memory.toMega() * (params.heap_fraction as double))}m"
    if (params.java_opts) java << params.java_opts
    def args = ['-jar', q(params.jar), 'run', q(params.config)]
    args += kind == 'finish' ? ['--finish'] : ['--unit', q(id)]
    args += ['--out', q(params.outdir), '--threads', task.cpus]
    def backend = task.ext.backend ?: params.backend
    if (backend) args += ['--backend', backend]
    def outs = outputs.collect { q(it) }.join(' ')
    def check = outputs ? """\
        cd ${q(params.outdir)}
        for f in ${outs}; do
          [ -e "\$f" ] || { echo "cohortex unit ${id} ended without writing its output \$f (in ${params.outdir})" >&2; exit 1; }
        done
        COHORTEX_TOKEN=\$(find ${outs} -type f -printf '%p %s %T@\\n' | LC_ALL=C sort | sha256sum | cut -c1-32)
        """.stripIndent() : 'COHORTEX_TOKEN=none\n'
    return (java + args).join(' ') + '\n' + check
}
