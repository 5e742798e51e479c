"""Cross-check: models.hotspots DBSCAN against PostGIS ST_ClusterDBSCAN on the same points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import psycopg
import pytest
import shapely
from scipy.spatial import cKDTree
from sklearn.metrics import adjusted_rand_score

from models.hotspots import NOISE, cluster, dbscan_xy, metric_coordinates

WGS84 = "EPSG:4326"


def varanasi_incidents(n: int, seed: int) -> gpd.GeoDataFrame:
    """Dense hotspots (some touching each other) over uniform background noise."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([82.95, 25.28], [83.05, 25.34], size=(25, 2))
    k = int(n * 0.7)
    which = rng.integers(0, len(centres), k)
    spread = rng.uniform(0.0008, 0.003, len(centres))[which, None]
    hot = centres[which] + rng.normal(0, 1, (k, 2)) * spread
    background = rng.uniform([82.9, 25.25], [83.1, 25.37], size=(n - k, 2))
    lonlat = np.vstack([hot, background])
    return gpd.GeoDataFrame(geometry=shapely.points(lonlat), crs=WGS84)


def st_cluster_dbscan(url: str, xy: np.ndarray, srid: int, eps_m: float, ms: int) -> np.ndarray:
    """Return PostGIS's labels (-1 for NULL) of projected points, loaded bit-for-bit."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TEMP TABLE pts (i int PRIMARY KEY, x float8, y float8)")
        with conn.cursor() as cur, cur.copy("COPY pts (i, x, y) FROM STDIN") as out:
            for i, (x, y) in enumerate(xy.tolist()):
                out.write_row((i, x, y))
        rows = conn.execute(
            "SELECT i, ST_ClusterDBSCAN(ST_SetSRID(ST_MakePoint(x, y), %s), %s, %s) "
            "OVER (ORDER BY i) FROM pts ORDER BY i",
            (srid, eps_m, ms),
        ).fetchall()
    return np.array([NOISE if c is None else c for _, c in rows], dtype=np.int64)


@pytest.mark.parametrize(("n", "eps_m", "min_samples"), [(20_000, 60.0, 8), (6_000, 150.0, 5)])
def test_same_partition_as_st_cluster_dbscan(
    postgis_url: str, n: int, eps_m: float, min_samples: int
) -> None:
    points = varanasi_incidents(n, seed=n)
    xy, crs = metric_coordinates(points)
    ours = cluster(points, eps_m=eps_m, min_samples=min_samples).to_numpy()
    core = dbscan_xy(xy, eps_m=eps_m, min_samples=min_samples).core
    theirs = st_cluster_dbscan(postgis_url, xy, int(crs.to_epsg() or 0), eps_m, min_samples)
    assert ours.max() >= 10  # the data really has many clusters
    # Noise is the same set; core points fall into exactly the same clusters.
    np.testing.assert_array_equal(ours == NOISE, theirs == NOISE)
    assert adjusted_rand_score(ours[core], theirs[core]) == 1.0
    # A border point may differ only where DBSCAN is ambiguous: PostGIS's cluster must also
    # have a core point within eps of it (a cluster that DBSCAN could legally have chosen).
    ours_of_theirs = {int(t): int(o) for t, o in zip(theirs[core], ours[core], strict=True)}
    translated = np.array([ours_of_theirs.get(int(t), NOISE) for t in theirs], dtype=np.int64)
    border = ~core & (ours != NOISE)
    differ = np.flatnonzero(border & (translated != ours))
    tree = cKDTree(xy[core])
    core_labels = ours[core]
    for i in differ:
        near = tree.query_ball_point(xy[i], eps_m * (1 + 1e-9))
        assert translated[i] in set(core_labels[near].tolist())
    overall = adjusted_rand_score(ours, theirs)
    print(
        f"\nST_ClusterDBSCAN cross-check n={n} eps={eps_m} m min_samples={min_samples}: "
        f"{int(ours.max()) + 1} clusters, {int(core.sum())} core points ARI=1.0, "
        f"{int(border.sum())} border points of which {len(differ)} (ambiguous) assigned "
        f"differently, overall ARI={overall:.6f}"
    )


def test_dask_partitions_read_from_postgis_cluster_like_one_process(postgis_url: str) -> None:
    import dask

    from geo.schema import LayerKind
    from geo.store.postgis import PostgisStore
    from models.scale import dask_cluster, dask_grid_counts, read_partitions
    from tests.geo.store.test_store import layer_frame, make_batch

    url = f"{postgis_url}?schema=t_dask_read"
    store = PostgisStore(url)
    incidents = layer_frame(LayerKind.INCIDENTS, 3000, seed=9)
    incidents = incidents.set_geometry(varanasi_incidents(3000, seed=9).geometry.to_numpy())
    store.apply(make_batch(LayerKind.INCIDENTS, incidents.iloc[:2000], import_id="a"))
    store.apply(make_batch(LayerKind.INCIDENTS, incidents.iloc[1500:], import_id="b"))  # upsert
    whole = store.read(LayerKind.INCIDENTS)
    with dask.config.set(scheduler="synchronous"):
        parts = read_partitions(url, "incidents", npartitions=4)
        assert parts.npartitions == 4
        sizes = parts.map_partitions(len).compute()
        assert sizes.sum() == 3000
        assert sizes.max() - sizes.min() <= 2  # even shares of the row ids
        result = dask_cluster(parts, eps_m=60, min_samples=8)
        labels = result.labels.compute().to_numpy()
        counts, _ = dask_grid_counts(parts, cell_m=500)
        lanka = read_partitions(url, "incidents", npartitions=3, thana="Lanka").compute()
    np.testing.assert_array_equal(labels, cluster(whole, eps_m=60, min_samples=8).to_numpy())
    assert result.n_clusters > 10
    assert counts.sum() == len(whole) == 3000
    assert lanka["id"].tolist() == store.read(LayerKind.INCIDENTS, thana="Lanka")["id"].tolist()
