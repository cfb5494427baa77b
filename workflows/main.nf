#!/usr/bin/env nextflow
/*
 * Cohortex study grid on Nextflow: one task per unit of `cohortex run CONFIG --plan`, in the plan's dependency
 * order, all writing into one shared output folder (the same layout as a single-process `cohortex run`), then
 * one FINISH task (`--finish`: experiment-wise correction, enrichment, report). workflows/README.md explains.
 *
 *   nextflow run workflows/main.nf -profile local|slurm[,gpu] --config study.yaml --outdir /shared/out \
 *       --jar /shared/cohortex.jar [--plan plan.json] [-resume]
 *
 * The plan: --plan FILE (workflows/run-local.sh writes it first), or, without it, this script runs
 * `java -jar JAR run CONFIG --plan FILE --out OUTDIR` itself on the launching node before any task is submitted,
 * since the DAG is built from it. The plan's paths are absolute and its "out" must be OUTDIR. Instead of --jar,
 * --classpath CP runs `java -cp CP org.cohortex.cli.Main` (a build's target/classes and its dependencies: the
 * pipeline's own JUnit test, before the jar exists).
 */
nextflow.enable.dsl = 2

import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.MessageDigest

params.config = null
params.outdir = null
params.jar = null
params.classpath = null
params.plan = null
params.java = 'java'
params.java_opts = ''
params.heap_fraction = 0.75
params.backend = null
params.unit_cpus = 1
params.max_cpus = null
params.max_memory_mb = null

include { UNIT as PRS; UNIT as DECONVOLVE; UNIT as IMPUTE; UNIT as CELLTYPE; UNIT as DE; UNIT as FINISH } from './modules/units.nf'
include { GPU_UNIT as PRS_GPU; GPU_UNIT as DECONVOLVE_GPU; GPU_UNIT as IMPUTE_GPU } from './modules/units.nf'
include { GPU_UNIT as CELLTYPE_GPU; GPU_UNIT as DE_GPU } from './modules/units.nf'

/** Unit kinds in the order their processes are chained: a unit's upstream units must be of an earlier kind. */
KINDS = ['prs', 'deconvolve', 'impute', 'celltype', 'de']

workflow {
    ['config', 'outdir'].each { if (!params[it]) error "missing --${it} (workflows/README.md)" }
    if (!params.jar == !params.classpath) error "give either --jar or --classpath (workflows/README.md)"
    def plan = readPlan()
    def base = digest(path(params.config)) + software()

    def done = Channel.empty()
    def prs = byDevice(ready(plan, 'prs', done), base)
    done = done.mix(PRS(prs.cpu), PRS_GPU(prs.gpu))
    def dec = byDevice(ready(plan, 'deconvolve', done), base)
    done = done.mix(DECONVOLVE(dec.cpu), DECONVOLVE_GPU(dec.gpu))
    def imp = byDevice(ready(plan, 'impute', done), base)
    done = done.mix(IMPUTE(imp.cpu), IMPUTE_GPU(imp.gpu))
    def ct = byDevice(ready(plan, 'celltype', done), base)
    done = done.mix(CELLTYPE(ct.cpu), CELLTYPE_GPU(ct.gpu))
    def de = byDevice(ready(plan, 'de', done), base)
    done = done.mix(DE(de.cpu), DE_GPU(de.gpu))
    FINISH(ready(plan, 'finish', done).map { u, tokens -> taskInput(u, tokens, base) })
}

workflow.onComplete {
    if (workflow.success) log.info "cohortex: all units and --finish done in ${params.outdir}"
}

/** The plan as a map, with finish as a unit of kind 'finish'; checked so that every dependency can be met. */
def readPlan() {
    def file = params.plan ? path(params.plan) : writePlan()
    def plan = new JsonSlurper().parse(file.toFile())
    def units = plan.units as List
    def finish = plan.finish as Map
    if (units == null || finish == null) error "${file}: not a cohortex plan (no 'units' or 'finish')"
    finish.kind = 'finish'
    // every path of the plan is absolute and under the plan's out: the tasks must write there
    def outdir = path(params.outdir)
    if (!plan.out || path(plan.out as String) != outdir)
        error "${file} was written for the output folder ${plan.out}, not --outdir ${outdir}: " +
            "write it with `cohortex run CONFIG --plan FILE --out ${outdir}`"
    def kindOf = [:]
    (units + [finish]).each { u ->
        if (!(u.kind in KINDS + ['finish'])) error "${file}: unit ${u.id} has kind '${u.kind}', which main.nf has no process for"
        if (kindOf.containsKey(u.id)) error "${file}: unit id ${u.id} appears twice"
        kindOf[u.id] = u.kind
    }
    (units + [finish]).each { u ->
        (u.upstream ?: []).each { up ->
            if (!kindOf.containsKey(up)) error "${file}: unit ${u.id} needs unit ${up}, which is not in the plan"
            if (u.kind != 'finish' && KINDS.indexOf(kindOf[up]) >= KINDS.indexOf(u.kind))
                error "${file}: unit ${u.id} (${u.kind}) needs ${up} (${kindOf[up]}); main.nf chains the kinds as ${KINDS}"
        }
    }
    def counts = KINDS.collect { k -> "${units.count { it.kind == k }} ${k}" }.join(', ')
    log.info "cohortex plan ${file}: ${units.size()} units (${counts}) + finish"
    return [units: units + [finish]]
}

/** Runs `cohortex run CONFIG --plan FILE --out OUTDIR` here, before any task, into the launch folder. */
def writePlan() {
    def file = workflow.launchDir.resolve('cohortex-plan.json')
    def launcher = params.classpath ? ['-cp', absoluteClasspath(), 'org.cohortex.cli.Main'] : ['-jar', path(params.jar).toString()]
    def cmd = [params.java] + launcher + ['run', path(params.config).toString(), '--plan', file.toString(), '--out',
                                          path(params.outdir).toString()]
    def proc = cmd.execute()
    def err = new StringBuffer()
    proc.consumeProcessErrorStream(err)
    proc.inputStream.eachLine { log.info it }
    if (proc.waitFor() != 0) error "could not write the plan (${cmd.join(' ')}):\n${err}"
    return file
}

/**
 * (unit, sorted upstream tokens) for the units of one kind, each emitted once all its upstream units have emitted
 * their token on `done` (groupKey: a group is released as soon as it holds as many tokens as the unit has upstream
 * units).
 */
def ready(Map plan, String kind, done) {
    def units = plan.units.findAll { it.kind == kind }
    def free = units.findAll { !it.upstream }.collect { tuple(it, []) }
    def waiting = units.findAll { it.upstream }.collectEntries { [(it.id): it] }
    def dependents = [:]
    waiting.values().each { u -> u.upstream.each { up -> dependents.get(up, []) << u.id } }
    def gated = done
        .flatMap { id, token ->
            (dependents[id] ?: []).collect { u -> tuple(groupKey(u, waiting[u].upstream.size()), "${id}=${token}".toString()) }
        }
        .groupTuple()
        .map { key, tokens -> tuple(waiting[key.toString()], tokens.sort()) }
    return Channel.fromList(free).mix(gated)
}

/** Splits ready units into .gpu (plan entry "gpu": true) and .cpu, as task inputs. */
def byDevice(ready, String base) {
    return ready
        .map { u, tokens -> tuple(u.gpu == true, taskInput(u, tokens, base)) }
        .branch { gpu, input ->
            gpu: gpu
                return input
            cpu: true
                return input
        }
}

/**
 * The input tuple of modules/units.nf. A unit is done when all its outputs exist, or all its alternative outputs
 * (a DE analysis that cannot be fitted writes not_fitted.txt instead of de.tsv and model.json).
 */
def taskInput(Map u, List upstreamTokens, String base) {
    return tuple(u.kind, u.id, u.memory_mb, (u.outputs ?: []) as List, (u.alternative_outputs ?: []) as List, fingerprint(u, base),
                 upstreamTokens)
}

/**
 * SHA-256 over the configuration and software digests, the unit's plan entry and the path, size and mtime of each
 * of its raw inputs (a folder: its files; a prefix such as a plink fileset: the files starting with it). Inputs in
 * OUTDIR are upstream outputs, which the upstream tokens already cover.
 */
def fingerprint(Map u, String base) {
    def md = MessageDigest.getInstance('SHA-256')
    md.update((base + JsonOutput.toJson(u)).getBytes('UTF-8'))
    def outdir = path(params.outdir)
    (u.inputs ?: []).findAll { it instanceof String && !path(it).startsWith(outdir) }.each { s ->
        def files = inputFiles(Paths.get(s))
        files.each { f -> md.update("${f}\t${Files.size(f)}\t${Files.getLastModifiedTime(f).toMillis()}\n".getBytes('UTF-8')) }
        if (!files) md.update("${s}\tmissing\n".getBytes('UTF-8'))
    }
    return md.digest().encodeHex().toString()
}

/** The files an input names, sorted: itself, a folder's files, or those starting with a prefix (plink filesets). */
def inputFiles(Path p) {
    if (Files.isRegularFile(p)) return [p]
    def walk = Files.isDirectory(p) ? Files.walk(p) : Files.isDirectory(p.parent) ? Files.list(p.parent) : null
    if (walk == null) return []
    def prefix = p.fileName.toString()
    return walk.withCloseable { w ->
        w.filter { Files.isRegularFile(it) && (Files.isDirectory(p) || it.fileName.toString().startsWith(prefix)) }.toList()
    }.sort(false)
}

/**
 * What runs the units: the SHA-256 of --jar, or for --classpath a SHA-256 over the path, size and mtime of each of
 * its files (a folder's: its class files).
 */
def software() {
    if (params.jar) return digest(path(params.jar))
    def md = MessageDigest.getInstance('SHA-256')
    absoluteClasspath().split(':').each { e ->
        def p = Paths.get(e)
        def files = Files.isDirectory(p) ? inputFiles(p) : [p]
        files.each { f ->
            def stamp = Files.exists(f) ? "${Files.size(f)}\t${Files.getLastModifiedTime(f).toMillis()}" : 'missing'
            md.update("${f}\t${stamp}\n".getBytes('UTF-8'))
        }
    }
    return md.digest().encodeHex().toString()
}

/** --classpath with every entry made absolute (the tasks run in their own work folders). */
def absoluteClasspath() {
    return (params.classpath as String).split(':').findAll { it }.collect { path(it).toString() }.join(':')
}

/** SHA-256 of a file's bytes (the configuration and the jar, read once at start). */
def digest(Path f) {
    if (!Files.isRegularFile(f)) error "no such file: ${f}"
    return MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(f)).encodeHex().toString()
}

/** A path made absolute against the launch folder (Nextflow's working directory). */
def path(String s) {
    return Paths.get(s).toAbsolutePath().normalize()
}
