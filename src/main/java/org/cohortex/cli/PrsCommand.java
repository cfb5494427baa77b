package org.cohortex.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.Numbers;
import org.cohortex.io.OutputFolder;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.prs.Clumping;
import org.cohortex.prs.GenotypeQc;
import org.cohortex.prs.PrsPipeline;
import org.cohortex.prs.SummaryStatistics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "prs", mixinStandardHelpOptions = true, description = {"Polygenic risk score pipeline (SPEC 4.8), in two stages:",
        "`prs qc` (genotype and summary-statistics QC, pruning, het, sex check, relatedness, PCA) then",
        "`prs score` (clumping, scores at p thresholds, regression on the trait, best score as a trait for `de`)."},
        subcommands = {PrsCommand.Qc.class, PrsCommand.Score.class})
final class PrsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing stage: `cohortex prs qc ...` then `cohortex prs score ...`");
    }

    @Command(name = "qc", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Genotype QC as the paper (plink 1.9/2 semantics), LD pruning, heterozygosity and sex checks,",
                    "relatedness, PCA, and GWAS summary-statistics QC with allele matching. Writes qc_steps.tsv (counts per",
                    "step), removed/*.txt (every removed sample or variant), samples.qc.txt, variants.qc.txt, prune.in,",
                    "het.tsv, sexcheck.tsv, pcs.tsv, sumstats_qc.tsv and sumstats.matched.tsv."})
    static final class Qc implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--bfile", required = true, paramLabel = "PREFIX", description = "PLINK 1 binary fileset (PREFIX.bed/.bim/.fam).")
        Path bfile;
        @Option(names = "--sumstats", required = true, paramLabel = "FILE",
                description = "GWAS summary statistics (SNP CHR BP A1 A2 BETA|OR P [MAF] [INFO]; .gz ok).")
        Path sumstats;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
        Path out;
        @Option(names = "--maf", defaultValue = "0.01",
                description = "Minimum minor allele frequency, genotypes and GWAS (default: ${DEFAULT-VALUE}).")
        double maf;
        @Option(names = "--geno", defaultValue = "0.01", description = "Maximum variant missing-call rate (default: ${DEFAULT-VALUE}).")
        double geno;
        @Option(names = "--mind", defaultValue = "0.01", description = "Maximum sample missing-call rate (default: ${DEFAULT-VALUE}).")
        double mind;
        @Option(names = "--hwe", defaultValue = "1e-6",
                description = "Hardy-Weinberg exact test p below which a variant goes (default: ${DEFAULT-VALUE}); tested in control "
                        + "founders when the .fam has a case/control status (plink 1.9), else in all founders.")
        double hwe;
        @Option(names = "--hwe-all-samples", description = "Test HWE in all founders even with a case/control status (plink 1.9's "
                + "--hwe include-nonctrl; plink2's rule).")
        boolean hweAllSamples;
        @Option(names = "--indep-pairwise", arity = "3", paramLabel = "W S R2",
                description = "LD pruning window (variants), step, r2 (default: 200 25 0.25).")
        List<String> prune = List.of("200", "25", "0.25");
        @Option(names = "--het-sd", defaultValue = "3",
                description = "Heterozygosity F outliers beyond this many SDs go (default: ${DEFAULT-VALUE}).")
        double hetSd;
        @Option(names = "--rel-cutoff", defaultValue = "0.125",
                description = "Relatedness (GRM) above which one of a pair goes (default: ${DEFAULT-VALUE}).")
        double rel;
        @Option(names = "--pcs", defaultValue = "20", description = "Genetic principal components (default: ${DEFAULT-VALUE}).")
        int pcs;
        @Option(names = "--min-info", defaultValue = "0.8", description = "Minimum GWAS imputation INFO (default: ${DEFAULT-VALUE}).")
        double info;
        @Option(names = "--gwas-duplicates", defaultValue = "exclude-all", paramLabel = "RULE",
                description = "GWAS rows sharing a SNP id: exclude-all (every copy, PRSice-2's outcome) or keep-first (the first "
                        + "row, as the tutorial's R) (default: ${DEFAULT-VALUE}).")
        String gwasDuplicates;
        @Mixin
        BackendOptions backend = new BackendOptions();

        /** The settings from the options, each checked as `run` checks its prs section; out of range is a usage error. */
        PrsPipeline.QcSettings settings() {
            return Parse.usage(spec, () -> {
                backend.check();
                int w, st;
                double r2;
                try {
                    w = Integer.parseInt(prune.get(0));
                    st = Integer.parseInt(prune.get(1));
                    r2 = Numbers.parse(prune.get(2));
                } catch (NumberFormatException e) {
                    throw new UserException("--indep-pairwise needs WINDOW STEP R2 (two whole numbers and an r2), got "
                            + String.join(" ", prune));
                }
                Check.atLeast("--indep-pairwise window", w, 2);
                Check.atLeast("--indep-pairwise step", st, 1);
                Check.between("--indep-pairwise r2", r2, 0, 1, true);
                Check.between("--maf", maf, 0, 0.5, false);
                Check.between("--geno", geno, 0, 1, false);
                Check.between("--mind", mind, 0, 1, false);
                Check.between("--hwe", hwe, 0, 1, true);
                Check.positive("--het-sd", hetSd);
                Check.between("--rel-cutoff", rel, 0, 1, true);
                Check.atLeast("--pcs", pcs, 0);
                Check.between("--min-info", info, 0, 1, false);
                SummaryStatistics.Duplicates dup = SummaryStatistics.Duplicates.of(gwasDuplicates);
                if (dup == null) {
                    throw new UserException("--gwas-duplicates must be exclude-all or keep-first, got '" + gwasDuplicates + "'");
                }
                return new PrsPipeline.QcSettings(new GenotypeQc.Settings(maf, geno, mind, hwe, hweAllSamples), w, st, r2, hetSd, 0.2, 0.8,
                        rel, pcs, new SummaryStatistics.Settings(maf, info, dup));
            });
        }

        @Override
        public void run() {
            PrsPipeline.QcSettings s = settings();
            try (OutputFolder folder = OutputFolder.open(out); ComputeBackend b = backend.create()) {
                PrsPipeline.qc(bfile, sumstats, s, b, folder.path());
                folder.commit();
            }
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Clumping (plink 1.9 --clump / PRSice-2 defaults), scores at p-value thresholds, regression of the",
                    "trait on score + PCs (logistic + Nagelkerke R2 for a 0/1 trait, linear otherwise), incremental R2 over",
                    "the PCs, best threshold. Writes clumped.tsv, scores.tsv, r2.tsv and prs.best.tsv (sample, prs)."})
    static final class Score implements Runnable {
        @Option(names = "--bfile", required = true, paramLabel = "PREFIX", description = "The fileset given to `prs qc`.")
        Path bfile;
        @Option(names = "--qc", required = true, paramLabel = "DIR", description = "Output folder of `prs qc`.")
        Path qc;
        @Option(names = "--pheno", required = true, paramLabel = "FILE", description = "Phenotype table (samples = .fam IIDs).")
        Path pheno;
        @Option(names = "--sample-column", paramLabel = "ID",
                description = "Phenotype column holding sample ids (default: the first column).")
        String sampleColumn;
        @Option(names = "--trait", required = true, paramLabel = "NAME", description = "Target trait for choosing the threshold.")
        String trait;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
        Path out;
        @Option(names = "--clump-r2", defaultValue = "0.1", description = "Clumping r2 (default: ${DEFAULT-VALUE}).")
        double clumpR2;
        @Option(names = "--clump-kb", defaultValue = "250", description = "Clumping radius in kb (default: ${DEFAULT-VALUE}).")
        int clumpKb;
        @Option(names = "--clump-p", defaultValue = "1", description = "Index variant p threshold (default: ${DEFAULT-VALUE}).")
        double clumpP;
        @Option(names = "--thresholds", split = ",", paramLabel = "P",
                description = "p-value thresholds (default: 5e-8,1e-5,1e-3,0.01,0.05,0.1,0.5,1).")
        double[] thresholds = PrsPipeline.ScoreSettings.defaultThresholds();
        @Mixin
        BackendOptions backend = new BackendOptions();

        @Spec
        CommandSpec spec;

        /** The settings from the options, each checked as `run` checks its prs section; out of range is a usage error. */
        PrsPipeline.ScoreSettings settings() {
            return Parse.usage(spec, () -> {
                backend.check();
                Check.between("--clump-r2", clumpR2, 0, 1, true);
                Check.atLeast("--clump-kb", clumpKb, 1);
                Check.between("--clump-p", clumpP, 0, 1, true);
                if (thresholds.length == 0) throw new UserException("--thresholds: give at least one p-value threshold");
                for (double t : thresholds) Check.between("--thresholds", t, 0, 1, true);
                double[] t = thresholds.clone();
                Arrays.sort(t);
                return new PrsPipeline.ScoreSettings(new Clumping.Settings(clumpP, 1, clumpR2, clumpKb), t);
            });
        }

        @Override
        public void run() {
            PrsPipeline.ScoreSettings s = settings();
            var table = PhenotypeReader.read(pheno, sampleColumn, Set.of());
            if (!table.has(trait)) throw new UserException(pheno + ": no column '" + trait + "'");
            try (OutputFolder folder = OutputFolder.open(out); ComputeBackend b = backend.create()) {
                PrsPipeline.score(bfile, qc, table, trait, s, b, folder.path());
                folder.commit();
            }
        }
    }
}
