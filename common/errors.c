/*
 * errors.c - cluster_strerror(): one line of plain English per error code of
 * clusapi/errors.h.  A switch, so the compiler rejects a code listed twice.
 * Library code: no logging, no allocation, every string static.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/errors.h>

const char *cluster_strerror(uint32_t code)
{
	switch (code) {
	/* ---- general, files and I/O ---- */
	case ERROR_SUCCESS:                     return "success";
	case ERROR_INVALID_FUNCTION:            return "function not supported by this object";
	case ERROR_FILE_NOT_FOUND:              return "file not found";
	case ERROR_PATH_NOT_FOUND:              return "path not found";
	case ERROR_TOO_MANY_OPEN_FILES:         return "too many open files";
	case ERROR_ACCESS_DENIED:               return "access denied";
	case ERROR_INVALID_HANDLE:              return "invalid handle";
	case ERROR_NOT_ENOUGH_MEMORY:           return "not enough memory to complete the request";
	case ERROR_BAD_FORMAT:                  return "program or library has a bad format";
	case ERROR_INVALID_ACCESS:              return "invalid access mode";
	case ERROR_INVALID_DATA:                return "data is malformed";
	case ERROR_OUTOFMEMORY:                 return "out of memory";
	case ERROR_INVALID_DRIVE:               return "no such drive";
	case ERROR_NOT_SAME_DEVICE:             return "source and target are on different devices";
	case ERROR_NO_MORE_FILES:               return "no more files";
	case ERROR_WRITE_PROTECT:               return "medium is write-protected";
	case ERROR_BAD_UNIT:                    return "device unit not found";
	case ERROR_NOT_READY:                   return "device not ready";
	case ERROR_BAD_COMMAND:                 return "device does not recognize the command";
	case ERROR_CRC:                         return "data error (checksum mismatch)";
	case ERROR_BAD_LENGTH:                  return "command length is wrong";
	case ERROR_WRITE_FAULT:                 return "device write failed";
	case ERROR_READ_FAULT:                  return "device read failed";
	case ERROR_GEN_FAILURE:                 return "device is not working";
	case ERROR_SHARING_VIOLATION:           return "file is in use by another process";
	case ERROR_LOCK_VIOLATION:              return "region is locked by another process";
	case ERROR_HANDLE_EOF:                  return "end of file reached";
	case ERROR_HANDLE_DISK_FULL:            return "disk is full";
	case ERROR_NOT_SUPPORTED:               return "request not supported";
	case ERROR_DUP_NAME:                    return "duplicate name on the network";
	case ERROR_BAD_NETPATH:                 return "network path not found";
	case ERROR_NETWORK_BUSY:                return "network is busy";
	case ERROR_DEV_NOT_EXIST:               return "device does not exist";
	case ERROR_UNEXP_NET_ERR:               return "unexpected network error";
	case ERROR_NETNAME_DELETED:             return "network name no longer available";
	case ERROR_NETWORK_ACCESS_DENIED:       return "network access denied";
	case ERROR_BAD_NET_NAME:                return "network name not found";
	case ERROR_REQ_NOT_ACCEP:               return "remote end accepts no more connections now";
	case ERROR_FILE_EXISTS:                 return "file exists";
	case ERROR_CANNOT_MAKE:                 return "cannot create the file or directory";
	case ERROR_INVALID_PASSWORD:            return "wrong password";
	case ERROR_INVALID_PARAMETER:           return "invalid parameter";
	case ERROR_NO_PROC_SLOTS:               return "cannot start another process now";
	case ERROR_BROKEN_PIPE:                 return "connection closed by the other end";
	case ERROR_OPEN_FAILED:                 return "cannot open the file or device";
	case ERROR_BUFFER_OVERFLOW:             return "file name too long";
	case ERROR_DISK_FULL:                   return "not enough space on the disk";
	case ERROR_CALL_NOT_IMPLEMENTED:        return "call not implemented";
	case ERROR_SEM_TIMEOUT:                 return "wait on a semaphore timed out";
	case ERROR_INSUFFICIENT_BUFFER:         return "buffer too small";
	case ERROR_INVALID_NAME:                return "name is not valid";
	case ERROR_INVALID_LEVEL:               return "invalid information level";
	case ERROR_MOD_NOT_FOUND:               return "module not found";
	case ERROR_PROC_NOT_FOUND:              return "entry point not found in the module";
	case ERROR_NEGATIVE_SEEK:               return "seek before the start of the file";
	case ERROR_DIR_NOT_EMPTY:               return "directory not empty";
	case ERROR_NOT_LOCKED:                  return "region was not locked";
	case ERROR_BAD_ARGUMENTS:               return "bad arguments";
	case ERROR_BAD_PATHNAME:                return "path name is not valid";
	case ERROR_LOCK_FAILED:                 return "cannot take the lock";
	case ERROR_BUSY:                        return "resource busy";
	case ERROR_ALREADY_EXISTS:              return "already exists";
	case ERROR_BAD_EXE_FORMAT:              return "not a valid executable";
	case ERROR_ENVVAR_NOT_FOUND:            return "environment variable not set";
	case ERROR_FILENAME_EXCED_RANGE:        return "file name or extension too long";
	case ERROR_FILE_TOO_LARGE:              return "file too large";
	case ERROR_BAD_PIPE:                    return "pipe state is invalid";
	case ERROR_PIPE_BUSY:                   return "all pipe instances are busy";
	case ERROR_NO_DATA:                     return "pipe is being closed";
	case ERROR_PIPE_NOT_CONNECTED:          return "no process at the other end of the pipe";
	case ERROR_MORE_DATA:                   return "output buffer too small: more data is available";
	case ERROR_NO_MORE_ITEMS:               return "no more items";
	case ERROR_DIRECTORY:                   return "not a valid directory name";
	case ERROR_NOT_OWNER:                   return "caller does not own the lock";
	case ERROR_PARTIAL_COPY:                return "only part of the data was copied";

	/* ---- I/O completion, registry ---- */
	case ERROR_INVALID_ADDRESS:             return "invalid memory address";
	case ERROR_ARITHMETIC_OVERFLOW:         return "arithmetic overflow";
	case ERROR_OPERATION_ABORTED:           return "operation aborted";
	case ERROR_IO_INCOMPLETE:               return "overlapped I/O not yet complete";
	case ERROR_IO_PENDING:                  return "operation in progress";
	case ERROR_NOACCESS:                    return "bad memory access";
	case ERROR_CAN_NOT_COMPLETE:            return "operation cannot be completed";
	case ERROR_INVALID_FLAGS:               return "invalid flags";
	case ERROR_UNRECOGNIZED_VOLUME:         return "volume has no recognized file system";
	case ERROR_NO_TOKEN:                    return "no security token";
	case ERROR_BADDB:                       return "configuration database is corrupt";
	case ERROR_BADKEY:                      return "configuration key is invalid";
	case ERROR_CANTOPEN:                    return "cannot open the configuration key";
	case ERROR_CANTREAD:                    return "cannot read the configuration key";
	case ERROR_CANTWRITE:                   return "cannot write the configuration key";
	case ERROR_REGISTRY_CORRUPT:            return "configuration store is corrupt";
	case ERROR_REGISTRY_IO_FAILED:          return "I/O on the configuration store failed";
	case ERROR_KEY_DELETED:                 return "configuration key has been deleted";

	/* ---- services and processes ---- */
	case ERROR_DEPENDENT_SERVICES_RUNNING:  return "other running services depend on this service";
	case ERROR_INVALID_SERVICE_CONTROL:     return "control request not valid for this service";
	case ERROR_SERVICE_REQUEST_TIMEOUT:     return "service did not answer in time";
	case ERROR_SERVICE_ALREADY_RUNNING:     return "service already running";
	case ERROR_SERVICE_DISABLED:            return "service is disabled";
	case ERROR_CIRCULAR_DEPENDENCY:         return "dependency would create a cycle";
	case ERROR_SERVICE_DOES_NOT_EXIST:      return "no such service";
	case ERROR_SERVICE_CANNOT_ACCEPT_CTRL:  return "service cannot accept control requests now";
	case ERROR_SERVICE_NOT_ACTIVE:          return "service not started";
	case ERROR_EXCEPTION_IN_SERVICE:        return "service crashed while handling a request";
	case ERROR_SERVICE_SPECIFIC_ERROR:      return "service reported an error of its own";
	case ERROR_PROCESS_ABORTED:             return "process ended unexpectedly";
	case ERROR_SERVICE_DEPENDENCY_FAIL:     return "a service this one depends on failed to start";
	case ERROR_SERVICE_MARKED_FOR_DELETE:   return "service is being deleted";
	case ERROR_SERVICE_EXISTS:              return "service already exists";

	/* ---- system, devices, network connections, security ---- */
	case ERROR_NO_UNICODE_TRANSLATION:      return "text is not valid Unicode";
	case ERROR_DLL_INIT_FAILED:             return "library failed to initialize";
	case ERROR_SHUTDOWN_IN_PROGRESS:        return "system is shutting down";
	case ERROR_IO_DEVICE:                   return "I/O device error";
	case ERROR_DISK_OPERATION_FAILED:       return "disk operation failed after retries";
	case ERROR_POSSIBLE_DEADLOCK:           return "operation could deadlock";
	case ERROR_INVALID_DLL:                 return "library is damaged or invalid";
	case ERROR_DEVICE_NOT_CONNECTED:        return "device not connected";
	case ERROR_NOT_FOUND:                   return "element not found";
	case ERROR_NO_MATCH:                    return "no match found";
	case ERROR_BAD_DEVICE:                  return "device name is not valid";
	case ERROR_INVALID_COMPUTERNAME:        return "computer name is not valid";
	case ERROR_INVALID_DOMAINNAME:          return "domain name is not valid";
	case ERROR_INVALID_NETNAME:             return "network name is not valid";
	case ERROR_NO_NETWORK:                  return "network not present or not started";
	case ERROR_CANCELLED:                   return "operation cancelled by the user";
	case ERROR_CONNECTION_REFUSED:          return "connection refused";
	case ERROR_GRACEFUL_DISCONNECT:         return "connection closed normally";
	case ERROR_ADDRESS_ALREADY_ASSOCIATED:  return "address already in use by this endpoint";
	case ERROR_ADDRESS_NOT_ASSOCIATED:      return "endpoint has no address yet";
	case ERROR_CONNECTION_INVALID:          return "operation on a connection that does not exist";
	case ERROR_CONNECTION_ACTIVE:           return "operation on a connection that is already active";
	case ERROR_NETWORK_UNREACHABLE:         return "network unreachable";
	case ERROR_HOST_UNREACHABLE:            return "host unreachable";
	case ERROR_PROTOCOL_UNREACHABLE:        return "protocol unreachable on the remote host";
	case ERROR_PORT_UNREACHABLE:            return "port unreachable on the remote host";
	case ERROR_REQUEST_ABORTED:             return "request aborted";
	case ERROR_CONNECTION_ABORTED:          return "connection aborted locally";
	case ERROR_RETRY:                       return "operation should be retried";
	case ERROR_CONNECTION_COUNT_LIMIT:      return "too many concurrent connections to the server";
	case ERROR_INCORRECT_ADDRESS:           return "network address is wrong for this operation";
	case ERROR_ALREADY_REGISTERED:          return "already registered";
	case ERROR_SERVICE_NOT_FOUND:           return "no such network service";
	case ERROR_NOT_AUTHENTICATED:           return "caller not authenticated";
	case ERROR_ALREADY_INITIALIZED:         return "already initialized";
	case ERROR_HOST_DOWN:                   return "remote host is down";
	case ERROR_UNKNOWN_REVISION:            return "unknown revision";
	case ERROR_REVISION_MISMATCH:           return "revisions do not match";
	case ERROR_PRIVILEGE_NOT_HELD:          return "caller lacks a required privilege";
	case ERROR_LOGON_FAILURE:               return "user name or password is wrong";
	case ERROR_INVALID_SECURITY_DESCR:      return "security descriptor is malformed";
	case ERROR_INTERNAL_ERROR:              return "internal error";
	case ERROR_FILE_CORRUPT:                return "file or directory is corrupt";
	case ERROR_DISK_CORRUPT:                return "disk structure is corrupt";
	case ERROR_INVALID_INDEX:               return "index out of range";
	case ERROR_NO_SYSTEM_RESOURCES:         return "system resources exhausted";
	case ERROR_TIMEOUT:                     return "operation timed out";

	/* ---- configuration and property data ---- */
	case ERROR_UNKNOWN_PROPERTY:            return "unknown property";
	case ERROR_BAD_CONFIGURATION:           return "configuration data is bad";
	case ERROR_DEVICE_REMOVED:              return "device has been removed";
	case ERROR_DATATYPE_MISMATCH:           return "value has the wrong data type";

	/* ---- RPC: the connection to the cluster service ---- */
	case RPC_S_UNKNOWN_IF:                  return "server does not offer this interface";
	case RPC_S_SERVER_UNAVAILABLE:          return "cluster service unreachable";
	case RPC_S_SERVER_TOO_BUSY:             return "server too busy to answer";
	case RPC_S_CALL_FAILED:                 return "remote call failed";
	case RPC_S_CALL_FAILED_DNE:             return "remote call failed and was not executed";
	case RPC_S_PROTOCOL_ERROR:              return "protocol error on the connection";
	case ERROR_INVALID_USER_BUFFER:         return "caller's buffer is not valid";
	case ERROR_UNRECOGNIZED_MEDIA:          return "medium not recognized or not formatted";
	case ERROR_NOT_ENOUGH_QUOTA:            return "quota exceeded";
	case RPC_S_CALL_CANCELLED:              return "remote call cancelled";

	/* ---- devices and objects ---- */
	case ERROR_DEVICE_IN_USE:               return "device in use";
	case ERROR_OBJECT_NOT_FOUND:            return "object not found";
	case ERROR_INVALID_OPERATION:           return "operation not valid here";
	case ERROR_DEVICE_NOT_AVAILABLE:        return "device not available";

	/* ---- cluster (5001-5089) ---- */
	case ERROR_DEPENDENT_RESOURCE_EXISTS:   return "other resources depend on this resource";
	case ERROR_DEPENDENCY_NOT_FOUND:        return "resource dependency not found";
	case ERROR_DEPENDENCY_ALREADY_EXISTS:   return "resource already depends on that resource";
	case ERROR_RESOURCE_NOT_ONLINE:         return "resource is not online";
	case ERROR_HOST_NODE_NOT_AVAILABLE:     return "the node asked to carry out the request is not available";
	case ERROR_RESOURCE_NOT_AVAILABLE:      return "resource not available";
	case ERROR_RESOURCE_NOT_FOUND:          return "resource not found";
	case ERROR_SHUTDOWN_CLUSTER:            return "cluster is being shut down";
	case ERROR_CANT_EVICT_ACTIVE_NODE:      return "only a down node, or the last node, can be evicted";
	case ERROR_OBJECT_ALREADY_EXISTS:       return "cluster object already exists";
	case ERROR_OBJECT_IN_LIST:              return "object is already in the list";
	case ERROR_GROUP_NOT_AVAILABLE:         return "group accepts no new requests";
	case ERROR_GROUP_NOT_FOUND:             return "group not found";
	case ERROR_GROUP_NOT_ONLINE:            return "group is not online";
	case ERROR_HOST_NODE_NOT_RESOURCE_OWNER: return "node does not own the resource, or may not own it";
	case ERROR_HOST_NODE_NOT_GROUP_OWNER:   return "node does not own the group, or may not own it";
	case ERROR_RESMON_CREATE_FAILED:        return "resource host could not create the resource";
	case ERROR_RESMON_ONLINE_FAILED:        return "resource host could not bring the resource online";
	case ERROR_RESOURCE_ONLINE:             return "resource is online";
	case ERROR_QUORUM_RESOURCE:             return "quorum resource cannot be deleted or taken offline";
	case ERROR_NOT_QUORUM_CAPABLE:          return "resource cannot act as the quorum resource";
	case ERROR_CLUSTER_SHUTTING_DOWN:       return "cluster software is shutting down";
	case ERROR_INVALID_STATE:               return "object is in the wrong state for this request";
	case ERROR_RESOURCE_PROPERTIES_STORED:  return "properties saved; some apply only after the resource next comes online";
	case ERROR_NOT_QUORUM_CLASS:            return "quorum resource must be of the shared storage class";
	case ERROR_CORE_RESOURCE:               return "core resource cannot be deleted";
	case ERROR_QUORUM_RESOURCE_ONLINE_FAILED: return "quorum resource failed to come online";
	case ERROR_QUORUMLOG_OPEN_FAILED:       return "quorum log could not be created or mounted";
	case ERROR_CLUSTERLOG_CORRUPT:          return "cluster log is corrupt";
	case ERROR_CLUSTERLOG_RECORD_EXCEEDS_MAXSIZE: return "record larger than the cluster log allows";
	case ERROR_CLUSTERLOG_EXCEEDS_MAXSIZE:  return "cluster log larger than its maximum size";
	case ERROR_CLUSTERLOG_CHKPOINT_NOT_FOUND: return "cluster log holds no checkpoint record";
	case ERROR_CLUSTERLOG_NOT_ENOUGH_SPACE: return "not enough disk space for the cluster log";
	case ERROR_QUORUM_OWNER_ALIVE:          return "another live node owns the quorum resource";
	case ERROR_NETWORK_NOT_AVAILABLE:       return "no cluster network available for this request";
	case ERROR_NODE_NOT_AVAILABLE:          return "no cluster node available for this request";
	case ERROR_ALL_NODES_NOT_AVAILABLE:     return "every cluster node must be up for this request";
	case ERROR_RESOURCE_FAILED:             return "resource failed";
	case ERROR_CLUSTER_INVALID_NODE:        return "node is not valid";
	case ERROR_CLUSTER_NODE_EXISTS:         return "node already exists";
	case ERROR_CLUSTER_JOIN_IN_PROGRESS:    return "a node is joining the cluster";
	case ERROR_CLUSTER_NODE_NOT_FOUND:      return "node not found";
	case ERROR_CLUSTER_LOCAL_NODE_NOT_FOUND: return "this node's cluster information not found";
	case ERROR_CLUSTER_NETWORK_EXISTS:      return "cluster network already exists";
	case ERROR_CLUSTER_NETWORK_NOT_FOUND:   return "cluster network not found";
	case ERROR_CLUSTER_NETINTERFACE_EXISTS: return "network interface already exists";
	case ERROR_CLUSTER_NETINTERFACE_NOT_FOUND: return "network interface not found";
	case ERROR_CLUSTER_INVALID_REQUEST:     return "request not valid for this object";
	case ERROR_CLUSTER_INVALID_NETWORK_PROVIDER: return "network provider not valid";
	case ERROR_CLUSTER_NODE_DOWN:           return "node is down";
	case ERROR_CLUSTER_NODE_UNREACHABLE:    return "node unreachable";
	case ERROR_CLUSTER_NODE_NOT_MEMBER:     return "node is not a cluster member";
	case ERROR_CLUSTER_JOIN_NOT_IN_PROGRESS: return "no join in progress";
	case ERROR_CLUSTER_INVALID_NETWORK:     return "cluster network not valid";
	case ERROR_CLUSTER_NODE_UP:             return "node is up";
	case ERROR_CLUSTER_IPADDR_IN_USE:       return "IP address already in use";
	case ERROR_CLUSTER_NODE_NOT_PAUSED:     return "node is not paused";
	case ERROR_CLUSTER_NO_SECURITY_CONTEXT: return "no cluster security context";
	case ERROR_CLUSTER_NETWORK_NOT_INTERNAL: return "network does not carry internal cluster traffic";
	case ERROR_CLUSTER_NODE_ALREADY_UP:     return "node already up";
	case ERROR_CLUSTER_NODE_ALREADY_DOWN:   return "node already down";
	case ERROR_CLUSTER_NETWORK_ALREADY_ONLINE: return "cluster network already online";
	case ERROR_CLUSTER_NETWORK_ALREADY_OFFLINE: return "cluster network already offline";
	case ERROR_CLUSTER_NODE_ALREADY_MEMBER: return "node already a cluster member";
	case ERROR_CLUSTER_LAST_INTERNAL_NETWORK: return "last network for internal traffic between active nodes cannot lose that role";
	case ERROR_CLUSTER_NETWORK_HAS_DEPENDENTS: return "resources rely on this network for client access";
	case ERROR_INVALID_OPERATION_ON_QUORUM: return "not allowed on the quorum resource";
	case ERROR_DEPENDENCY_NOT_ALLOWED:      return "quorum resource may not have dependencies";
	case ERROR_CLUSTER_NODE_PAUSED:         return "node is paused";
	case ERROR_NODE_CANT_HOST_RESOURCE:     return "owner node cannot run this resource";
	case ERROR_CLUSTER_NODE_NOT_READY:      return "node not ready for this request";
	case ERROR_CLUSTER_NODE_SHUTTING_DOWN:  return "node is shutting down";
	case ERROR_CLUSTER_JOIN_ABORTED:        return "join aborted";
	case ERROR_CLUSTER_INCOMPATIBLE_VERSIONS: return "joining node and sponsor run incompatible versions";
	case ERROR_CLUSTER_MAXNUM_OF_RESOURCES_EXCEEDED: return "cluster already monitors as many resources as it can";
	case ERROR_CLUSTER_SYSTEM_CONFIG_CHANGED: return "system configuration changed during join or form";
	case ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND: return "resource type not found";
	case ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED: return "node does not support this resource type";
	case ERROR_CLUSTER_RESNAME_NOT_FOUND:   return "resource type plugin does not know this name";
	case ERROR_CLUSTER_NO_RPC_PACKAGES_REGISTERED: return "no authentication package could be registered";
	case ERROR_CLUSTER_OWNER_NOT_IN_PREFLIST: return "group owner is not among its preferred owners";
	case ERROR_CLUSTER_DATABASE_SEQMISMATCH: return "cluster database sequence number changed during join";
	case ERROR_RESMON_INVALID_STATE:        return "resource state does not allow it to be failed now";
	case ERROR_CLUSTER_GUM_NOT_LOCKER:      return "global update lock requested from a node that does not hold it";
	case ERROR_QUORUM_DISK_NOT_FOUND:       return "quorum disk not found";
	case ERROR_DATABASE_BACKUP_CORRUPT:     return "cluster database backup may be corrupt";
	case ERROR_CLUSTER_NODE_ALREADY_HAS_DFS_ROOT: return "node already has a DFS root";
	case ERROR_RESOURCE_PROPERTY_UNCHANGEABLE: return "property change conflicts with another property";

	/* ---- cluster, second block ---- */
	case ERROR_CLUSTER_MEMBERSHIP_INVALID_STATE: return "request does not fit the node's membership state";
	case ERROR_CLUSTER_QUORUMLOG_NOT_FOUND: return "quorum resource holds no quorum log";
	case ERROR_CLUSTER_MEMBERSHIP_HALT:     return "membership engine asked this node to halt";
	case ERROR_CLUSTER_INSTANCE_ID_MISMATCH: return "node belongs to a different cluster instance";
	case ERROR_CLUSTER_NETWORK_NOT_FOUND_FOR_IP: return "no cluster network matches this IP address";
	case ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH: return "property value has the wrong data type";
	case ERROR_CLUSTER_EVICT_WITHOUT_CLEANUP: return "node evicted, but its cluster configuration was not cleaned up";
	case ERROR_CLUSTER_PARAMETER_MISMATCH:  return "two or more parameter values conflict";
	case ERROR_NODE_CANNOT_BE_CLUSTERED:    return "this computer cannot be made a cluster node";
	case ERROR_CLUSTER_WRONG_OS_VERSION:    return "operating system version not supported for clustering";
	case ERROR_CLUSTER_CANT_CREATE_DUP_CLUSTER_NAME: return "cluster name already in use";
	case ERROR_CLUSCFG_ALREADY_COMMITTED:   return "cluster configuration already committed";
	case ERROR_CLUSCFG_ROLLBACK_FAILED:     return "cluster configuration could not be rolled back";
	case ERROR_CLUSCFG_SYSTEM_DISK_DRIVE_LETTER_CONFLICT: return "a shared disk uses the same drive letter as a system disk";
	case ERROR_CLUSTER_OLD_VERSION:         return "a node runs too old a version to join";
	case ERROR_CLUSTER_MISMATCHED_COMPUTER_ACCT_NAME: return "computer account name does not match the network name";
	case ERROR_RESOURCE_CALL_TIMED_OUT:     return "a call into a resource plugin did not finish in time";
	}
	return "unknown error";
}
