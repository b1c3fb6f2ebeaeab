/* nbody: the Computer Language Benchmarks Game n-body simulation (Jovian planets, symplectic
   integrator). Measures floating-point arithmetic and field access. The order of every floating-
   point operation is the same in all language versions, so all print the same digits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4.0 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

typedef struct {
    double x, y, z, vx, vy, vz, mass;
} Body;

static void init_bodies(Body *b) {
    Body sun = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS};
    Body jupiter = {4.84143144246472090, -1.16032004402742839, -0.103622044471123109,
                    0.00166007664274403694 * DAYS_PER_YEAR, 0.00769901118419740425 * DAYS_PER_YEAR,
                    -0.0000690460016972063023 * DAYS_PER_YEAR, 0.000954791938424326609 * SOLAR_MASS};
    Body saturn = {8.34336671824457987, 4.12479856412430479, -0.403523417114321381,
                   -0.00276742510726862411 * DAYS_PER_YEAR, 0.00499852801234917238 * DAYS_PER_YEAR,
                   0.0000230417297573763929 * DAYS_PER_YEAR, 0.000285885980666130812 * SOLAR_MASS};
    Body uranus = {12.8943695621391310, -15.1111514016986312, -0.223307578892655734,
                   0.00296460137564761618 * DAYS_PER_YEAR, 0.00237847173959480950 * DAYS_PER_YEAR,
                   -0.0000296589568540237556 * DAYS_PER_YEAR, 0.0000436624404335156298 * SOLAR_MASS};
    Body neptune = {15.3796971148509165, -25.9193146099879641, 0.179258772950371181,
                    0.00268067772490389322 * DAYS_PER_YEAR, 0.00162824170038242295 * DAYS_PER_YEAR,
                    -0.0000951592254519715870 * DAYS_PER_YEAR, 0.0000515138902046611451 * SOLAR_MASS};
    b[0] = sun;
    b[1] = jupiter;
    b[2] = saturn;
    b[3] = uranus;
    b[4] = neptune;
}

static void offset_momentum(Body *b, int n) {
    double px = 0.0, py = 0.0, pz = 0.0;
    for (int i = 0; i < n; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / SOLAR_MASS;
    b[0].vy = -py / SOLAR_MASS;
    b[0].vz = -pz / SOLAR_MASS;
}

static double energy(const Body *b, int n) {
    double e = 0.0;
    for (int i = 0; i < n; i++) {
        const Body *bi = &b[i];
        e += 0.5 * bi->mass * (bi->vx * bi->vx + bi->vy * bi->vy + bi->vz * bi->vz);
        for (int j = i + 1; j < n; j++) {
            const Body *bj = &b[j];
            double dx = bi->x - bj->x;
            double dy = bi->y - bj->y;
            double dz = bi->z - bj->z;
            e -= (bi->mass * bj->mass) / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(Body *b, int n, double dt) {
    for (int i = 0; i < n; i++) {
        Body *bi = &b[i];
        for (int j = i + 1; j < n; j++) {
            Body *bj = &b[j];
            double dx = bi->x - bj->x;
            double dy = bi->y - bj->y;
            double dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            bi->vx -= dx * bj->mass * mag;
            bi->vy -= dy * bj->mass * mag;
            bi->vz -= dz * bj->mass * mag;
            bj->vx += dx * bi->mass * mag;
            bj->vy += dy * bi->mass * mag;
            bj->vz += dz * bi->mass * mag;
        }
    }
    for (int i = 0; i < n; i++) {
        Body *bi = &b[i];
        bi->x += dt * bi->vx;
        bi->y += dt * bi->vy;
        bi->z += dt * bi->vz;
    }
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 5000000;
    Body bodies[NBODIES];
    init_bodies(bodies);
    offset_momentum(bodies, NBODIES);
    printf("%.9f\n", energy(bodies, NBODIES));
    for (long i = 0; i < n; i++) {
        advance(bodies, NBODIES, 0.01);
    }
    printf("%.9f\n", energy(bodies, NBODIES));
    return 0;
}
