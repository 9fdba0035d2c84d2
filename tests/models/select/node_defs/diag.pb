
diagMatrixDiagV3onesdiag/kdiag/num_rowsdiag/num_colsdiag/padding_value*
T0*
align
LEFT_RIGHT