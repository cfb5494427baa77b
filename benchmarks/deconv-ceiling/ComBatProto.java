import java.util.*;
/** Parametric ComBat (Johnson 2007) with optional reference batch (Zhang 2018) and covariates. y genes x samples (row-major). */
public class ComBatProto {
    public static double[] adjust(double[] y, int G, int N, int[] batch, int B, int ref, double[] mod, int q) {
        int p = B + q; // design: batch indicators + covariates
        double[] X = new double[N*p];
        for (int j=0;j<N;j++){ X[j*p+batch[j]]=1; for(int c=0;c<q;c++) X[j*p+B+c]=mod[j*q+c]; }
        // XtX inverse
        double[][] xtx = new double[p][p];
        for (int j=0;j<N;j++) for(int a=0;a<p;a++) for(int b=0;b<p;b++) xtx[a][b]+=X[j*p+a]*X[j*p+b];
        double[][] inv = new org.apache.commons.math3.linear.LUDecomposition(new org.apache.commons.math3.linear.Array2DRowRealMatrix(xtx)).getSolver().getInverse().getData();
        int[] nb = new int[B]; for (int j=0;j<N;j++) nb[batch[j]]++;
        double[] out = new double[G*N];
        double[] gammaHat = new double[B*G], deltaHat = new double[B*G];
        double[] standMean = new double[G*N], sdp = new double[G];
        double[][] sdata = new double[G][];
        for (int g=0; g<G; g++) {
            double[] xty = new double[p];
            for (int j=0;j<N;j++) for(int a=0;a<p;a++) xty[a]+=X[j*p+a]*y[g*N+j];
            double[] beta = new double[p];
            for(int a=0;a<p;a++) for(int b=0;b<p;b++) beta[a]+=inv[a][b]*xty[b];
            double grand = ref >= 0 ? beta[ref] : 0;
            if (ref < 0) for (int b=0;b<B;b++) grand += beta[b]*nb[b]/N;
            double vp = 0; int cnt = 0;
            for (int j=0;j<N;j++){ if (ref>=0 && batch[j]!=ref) continue; double fit=0; for(int a=0;a<p;a++) fit+=X[j*p+a]*beta[a]; vp+=(y[g*N+j]-fit)*(y[g*N+j]-fit); cnt++; }
            vp/=cnt; sdp[g]=Math.sqrt(vp);
            double[] s = new double[N];
            for (int j=0;j<N;j++){ double sm=grand; for(int c=0;c<q;c++) sm+=X[j*p+B+c]*beta[B+c]; standMean[g*N+j]=sm; s[j]=(y[g*N+j]-sm)/sdp[g]; }
            sdata[g]=s;
            for (int b=0;b<B;b++){ double m1=0; for(int j=0;j<N;j++) if(batch[j]==b) m1+=s[j]; m1/=nb[b]; gammaHat[b*G+g]=m1;
                double v=0; for(int j=0;j<N;j++) if(batch[j]==b) v+=(s[j]-m1)*(s[j]-m1); deltaHat[b*G+g]=v/(nb[b]-1); }
        }
        double[] gStar = new double[B*G], dStar = new double[B*G];
        for (int b=0;b<B;b++){
            if (b==ref){ Arrays.fill(dStar, b*G, (b+1)*G, 1); continue; }
            double gbar=0; for(int g=0;g<G;g++) gbar+=gammaHat[b*G+g]; gbar/=G;
            double t2=0; for(int g=0;g<G;g++) t2+=(gammaHat[b*G+g]-gbar)*(gammaHat[b*G+g]-gbar); t2/=(G-1);
            double md=0; for(int g=0;g<G;g++) md+=deltaHat[b*G+g]; md/=G;
            double s2=0; for(int g=0;g<G;g++) s2+=(deltaHat[b*G+g]-md)*(deltaHat[b*G+g]-md); s2/=(G-1);
            double aP=(2*s2+md*md)/s2, bP=(md*s2+md*md*md)/s2;
            for (int g=0;g<G;g++){
                double gOld=gammaHat[b*G+g], dOld=deltaHat[b*G+g], gNew=0, dNew=0; int n=nb[b];
                double sum=0; for(int j=0;j<N;j++) if(batch[j]==b) sum+=sdata[g][j];
                for (int it=0; it<1000; it++){
                    gNew=(t2*sum + dOld*gbar)/(t2*n + dOld);
                    double ss=0; for(int j=0;j<N;j++) if(batch[j]==b) ss+=(sdata[g][j]-gNew)*(sdata[g][j]-gNew);
                    dNew=(bP+0.5*ss)/(n/2.0+aP-1);
                    double ch=Math.max(Math.abs(gNew-gOld)/Math.abs(gOld), Math.abs(dNew-dOld)/dOld);
                    gOld=gNew; dOld=dNew; if (ch<1e-4) break;
                }
                gStar[b*G+g]=gNew; dStar[b*G+g]=dNew;
            }
        }
        for (int g=0;g<G;g++) for(int j=0;j<N;j++){ int b=batch[j];
            out[g*N+j] = b==ref ? y[g*N+j] : (sdata[g][j]-gStar[b*G+g])/Math.sqrt(dStar[b*G+g])*sdp[g]+standMean[g*N+j]; }
        return out;
    }
}
