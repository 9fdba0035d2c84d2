
einsum/EinsumEinsumab*
N*
T0* 
equation...ij,...jk->...ik