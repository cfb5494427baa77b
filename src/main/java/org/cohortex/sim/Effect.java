package org.cohortex.sim;

/** One planted effect: log2 fold change of {@code gene} per unit of {@code trait} in a region's cell type (or "bulk": all cell types). */
record Effect(String trait, String region, String cellType, int gene, double log2fc) {}
