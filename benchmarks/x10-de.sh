#!/bin/bash
# SPEC 6's 10x cohort (issue 22): simulate it (3,000 donors x 60,000 genes), then one bulk DE with the
# grid's settings on BLA under a 16 GB heap, and the grid's default units for BLA x chronic pain.
# With "imputed": instead, the paper's impute-then-de path for BLA x chronic pain (deconvolution, EB imputation of the 7
# types, the bulk unit and the microglia unit on its imputed matrix).
# Usage: benchmarks/x10-de.sh WORKDIR [imputed]  (needs ~2 GB of disk (imputed: 12 GB) and 16 GB of memory; ~35 min on 2 cores)
set -euo pipefail
W=${1:?usage: x10-de.sh WORKDIR [imputed]}
J=$(cd "$(dirname "$0")/.." && pwd)/target/cohortex.jar
mkdir -p "$W"
cd "$W"
[ -d cohort ] || /usr/bin/time -v java -Xmx16g -jar "$J" simulate --preset large --out cohort 2> simulate.time
# BLA x chronic pain with the grid's settings; $1: a title, $2: extra lines under analysis:
config() {
  cat <<YAML
# The 10x cohort, BLA x chronic pain: $1
cohort: {phenotypes: pheno.tsv, sample_column: donor_id}
regions:
  BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}
panels:
  amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}
traits: [chronic_pain]
enrichment:
  gmt: [genesets/simulated.gmt]
  lists: [genesets/mouse_microglia_pain.txt, genesets/whole_blood_pain.txt]
analysis:
  exclude: [chronic_pain, migraine, lifetime_fentanyl, lifetime_oxymorphone, mcp_prs]
$2
YAML
}
if [ "${2:-}" = imputed ]; then
  config "the paper's path, imputation then \`de\` on the microglia type" "  cell_type_test: imputed
  cell_types: [microglia]" > cohort/bla-imputed.yaml
  /usr/bin/time -v java -Xmx16g -jar "$J" run cohort/bla-imputed.yaml --out run-BLA-imputed 2> run-imputed.log
  grep -E "\] |impute \(|Elapsed|Maximum resident" run-imputed.log
  exit 0
fi
/usr/bin/time -v java -Xmx16g -jar "$J" de --expr cohort/expr/BLA.counts.tsv.gz --pheno cohort/pheno.tsv --sample-column donor_id \
  --trait chronic_pain --transform log2cpm --filter-by-expr --normalize tmm --num-sv be --select-covariates \
  --exclude chronic_pain,migraine,lifetime_fentanyl,lifetime_oxymorphone,mcp_prs --set BLA --out de-BLA 2> de.log
config "the grid's default settings" "" > cohort/bla.yaml
/usr/bin/time -v java -Xmx16g -jar "$J" run cohort/bla.yaml --out run-BLA 2> run.log
grep -E "Elapsed|Maximum resident" simulate.time de.log run.log
