import java.nio.file.*;
import java.util.*;
import org.cohortex.deconv.*;
import org.cohortex.io.*;
import org.cohortex.linalg.*;
import org.cohortex.pipeline.Transform;

public class SModePrototype {
    static Path C;
    public static void main(String[] a) throws Exception {
        C = Paths.get(a[0]);
        String region = a[1], panel = a[2];
        int P = Integer.parseInt(a[3]);
        ExpressionMatrix cells = MatrixReader.read(C.resolve("reference/" + panel + ".counts.tsv.gz"));
        Path labels = C.resolve("reference/" + panel + ".labels.tsv");
        Signature sig = SignatureBuilder.build(cells, labels);
        ExpressionMatrix bulk = Transform.countsPerMillion(MatrixReader.read(C.resolve("expr/" + region + ".counts.tsv.gz")), "bulk");
        ExpressionMatrix truth = MatrixReader.read(C.resolve("truth/regions/" + region + ".proportions.tsv"));
        int k = sig.k();
        ComputeBackend be = new ReferenceBackend();
        Deconvolution.Result base = Deconvolution.run(bulk, sig, Deconvolution.Method.NUSVR, 0, 1, be);
        report("baseline", base, truth);
        // gene rows
        Map<String,Integer> br = new HashMap<>(); for (int g = 0; g < bulk.geneCount(); g++) br.put(bulk.genes[g], g);
        Map<String,Integer> cr = new HashMap<>(); for (int g = 0; g < cells.geneCount(); g++) cr.put(cells.genes[g], g);
        int m = sig.genes().length, n = bulk.sampleCount();
        // labels
        List<String> lines = Files.readAllLines(labels); Map<String,String> lab = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) { String[] f = l.split("\t"); lab.put(f[0], f[1]); }
        List<List<Integer>> byType = new ArrayList<>(); for (int t = 0; t < k; t++) byType.add(new ArrayList<>());
        int nc = cells.sampleCount(); double[] lib = new double[nc];
        for (int g = 0; g < cells.geneCount(); g++) for (int c = 0; c < nc; c++) lib[c] += cells.values.data[g*nc+c];
        for (int c = 0; c < nc; c++) byType.get(Arrays.asList(sig.cellTypes()).indexOf(lab.get(cells.samples[c]))).add(c);
        // oracle per-gene scale
        double[] tw = new double[n*k];
        Map<String,Integer> ti = truth.sampleIndex();
        for (int j = 0; j < n; j++) { int row = -1; for (int q=0;q<truth.geneCount();q++) if (truth.genes[q].equals(bulk.samples[j])) row=q;
            for (int t = 0; t < k; t++) tw[j*k+t] = truth.values.data[row*truth.sampleCount()+ti.get(sig.cellTypes()[t])]; }
        double[] ov = sig.values().clone();
        for (int i = 0; i < m; i++) { int g = br.get(sig.genes()[i]); double mb=0, mp=0;
            for (int j=0;j<n;j++){ mb+=bulk.values.data[g*n+j]; double s=0; for(int t=0;t<k;t++) s+=sig.values()[i*k+t]*tw[j*k+t]; mp+=s; }
            for (int t=0;t<k;t++) ov[i*k+t]*=mb/mp; }
        report("oracle per-gene scale", Deconvolution.run(bulk, new Signature(sig.genes(), sig.cellTypes(), ov), Deconvolution.Method.NUSVR, 0, 1, be), truth);
        // pseudo-bulk
        SplittableRandom r = new SplittableRandom(7);
        double[] F = new double[P*k]; double[] pb = new double[m*P];
        double[] meanEst = new double[k]; for (int j=0;j<n;j++) for(int t=0;t<k;t++) meanEst[t]+=base.proportions()[j*k+t]/n;
        boolean around = a.length > 4 && a[4].equals("around");
        for (int p = 0; p < P; p++) {
            double s = 0; for (int t=0;t<k;t++){ double al = around ? 40*meanEst[t] : 1; F[p*k+t]=gamma(r, al); s+=F[p*k+t]; }
            for (int t=0;t<k;t++) F[p*k+t]/=s;
            int N = 500;
            for (int t=0;t<k;t++){ int cnt = Math.max(1,(int)Math.round(F[p*k+t]*N)); List<Integer> pool = byType.get(t);
                double[] acc = new double[m];
                for (int q=0;q<cnt;q++){ int c = pool.get(r.nextInt(pool.size()));
                    for (int i=0;i<m;i++) acc[i]+=cells.values.data[cr.get(sig.genes()[i])*nc+c]/lib[c]*1e6; }
                for (int i=0;i<m;i++) pb[i*P+p]+=F[p*k+t]*acc[i]/cnt; }
        }
        // combat: log2(x+1), batches pseudo(0) bulk(1), ref = bulk
        int N2 = P + n; double[] y = new double[m*N2]; int[] batch = new int[N2];
        for (int i=0;i<m;i++){ int g=br.get(sig.genes()[i]); for(int p=0;p<P;p++) y[i*N2+p]=log2(pb[i*P+p]+1); for(int j=0;j<n;j++) y[i*N2+P+j]=log2(bulk.values.data[g*n+j]+1);}
        for (int j=0;j<N2;j++) batch[j] = j<P?0:1;
        boolean useMod = a.length > 5 && a[5].equals("mod");
        double[] mod = null; int q = 0;
        if (useMod) { q = k-1; mod = new double[N2*q]; for(int p=0;p<P;p++) for(int t=0;t<q;t++) mod[p*q+t]=F[p*k+t]; for(int j=0;j<n;j++) for(int t=0;t<q;t++) mod[(P+j)*q+t]=base.proportions()[j*k+t]; }
        double[] adj = ComBatProto.adjust(y, m, N2, batch, 2, 1, mod, q);
        double[] pbAdj = new double[P*m];
        for (int i=0;i<m;i++) for (int p=0;p<P;p++) pbAdj[p*m+i] = Math.max(0, Math.pow(2, adj[i*N2+p]) - 1);
        // adjusted signature: per gene NNLS of corrected pseudo-bulk on F
        double[] sv = new double[m*k];
        for (int i=0;i<m;i++){ double[] b = new double[P]; for(int p=0;p<P;p++) b[p]=pbAdj[p*m+i];
            double[] s = Nnls.solve(F, P, k, b); System.arraycopy(s,0,sv,i*k,k); }
        // raw (uncorrected) NNLS signature as control
        double[] sr = new double[m*k];
        for (int i=0;i<m;i++){ double[] b = new double[P]; for(int p=0;p<P;p++) b[p]=pb[i*P+p];
            double[] s = Nnls.solve(F, P, k, b); System.arraycopy(s,0,sr,i*k,k); }
        report("pseudo-bulk NNLS, no ComBat", Deconvolution.run(bulk, new Signature(sig.genes(), sig.cellTypes(), sr), Deconvolution.Method.NUSVR, 0, 1, be), truth);
        report("S-mode" + (around?" around":"") + (useMod?" mod":""), Deconvolution.run(bulk, new Signature(sig.genes(), sig.cellTypes(), sv), Deconvolution.Method.NUSVR, 0, 1, be), truth);
    }
    static double log2(double v){ return Math.log(v)/Math.log(2); }
    static double gamma(SplittableRandom r, double a) { // Marsaglia-Tsang
        if (a < 1) return gamma(r, a+1) * Math.pow(r.nextDouble(), 1/a);
        double d=a-1.0/3, c=1/Math.sqrt(9*d);
        while(true){ double x=gauss(r), v=1+c*x; if(v<=0) continue; v=v*v*v; double u=r.nextDouble();
            if (Math.log(u) < 0.5*x*x + d - d*v + d*Math.log(v)) return d*v; } }
    static double gauss(SplittableRandom r){ double u=r.nextDouble(), v=r.nextDouble(); return Math.sqrt(-2*Math.log(1-u))*Math.cos(2*Math.PI*v); }
    static void report(String name, Deconvolution.Result res, ExpressionMatrix truth) {
        int k = res.cellTypes().length, n = res.samples().length;
        Map<String,Integer> ti = truth.sampleIndex(); Map<String,Integer> row = new HashMap<>();
        for (int q=0;q<truth.geneCount();q++) row.put(truth.genes[q], q);
        StringBuilder sb = new StringBuilder(String.format("%-32s", name));
        for (int t=0;t<k;t++){ double[] e=new double[n], tr=new double[n]; double me=0, mt=0;
            for(int j=0;j<n;j++){ e[j]=res.proportions()[j*k+t]; tr[j]=truth.values.data[row.get(res.samples()[j])*truth.sampleCount()+ti.get(res.cellTypes()[t])]; me+=e[j]/n; mt+=tr[j]/n; }
            sb.append(String.format(" %s %.3f (%.3f/%.3f)", res.cellTypes()[t].substring(0,Math.min(4,res.cellTypes()[t].length())), cor(e,tr), me, mt)); }
        System.out.println(sb);
    }
    static double cor(double[] a, double[] b){ double ma=0,mb=0; for(int i=0;i<a.length;i++){ma+=a[i];mb+=b[i];} ma/=a.length; mb/=b.length;
        double sab=0,saa=0,sbb=0; for(int i=0;i<a.length;i++){ sab+=(a[i]-ma)*(b[i]-mb); saa+=(a[i]-ma)*(a[i]-ma); sbb+=(b[i]-mb)*(b[i]-mb);} return sab/Math.sqrt(saa*sbb); }
}
