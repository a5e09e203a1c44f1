"""What the peer runs on, stated in every peer's JSON: BLAS library and core type, thread counts, device.

The environment of the benchmark may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (they pin OpenBLAS to a
slower kernel); scripts/bench.ts removes them for the peer subprocess only (and sets OPENBLAS_CORETYPE to
the CPU's strongest core where OpenBLAS does not recognise the CPU), and this module reports what
OpenBLAS actually picked, so a slow peer is visible as such rather than silently unfair.
"""
import ctypes
import os
import platform
import resource
import statistics


def loaded_blas_libraries():
    """Paths of BLAS-like shared libraries mapped into this process (resolved symlinks)."""
    found = []
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1] if '/' in line else ''
                name = os.path.basename(path)
                if path and ('blas' in name or 'blis' in name or 'mkl' in name) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def openblas_info():
    """Core name, build config and thread count from the OpenBLAS that is loaded, if it is OpenBLAS."""
    for path in loaded_blas_libraries():
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {
                'library': os.path.realpath(path),
                'coretype': lib.openblas_get_corename().decode(),
                'config': lib.openblas_get_config().decode().strip(),
                'threads': lib.openblas_get_num_threads(),
            }
        except (OSError, AttributeError):
            continue
    return None


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(device_name=None):
    env_keys = ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']
    return {
        'python': platform.python_version(),
        'cpu': cpu_model(),
        'cpus': os.cpu_count(),
        'env': {k: os.environ[k] for k in env_keys if k in os.environ},
        'blas': openblas_info() or {'libraries': loaded_blas_libraries()},
        'device': device_name or 'cpu',
    }


def peak_rss_mib():
    """Peak resident set size of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(values):
    """Median and spread of repeated measurements."""
    return {
        'median': statistics.median(values),
        'min': min(values),
        'max': max(values),
        'n': len(values),
    }
